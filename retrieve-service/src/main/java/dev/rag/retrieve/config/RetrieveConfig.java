package dev.rag.retrieve.config;

import dev.rag.retrieve.model.FusionMethod;
import dev.rag.retrieve.model.StatisticsScope;
import dev.rag.retrieve.ranking.SourceFusion;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of retrieve-service, under {@code retrieve.*}. */
@ConfigMapping(prefix = "retrieve")
public interface RetrieveConfig {

  /** Passages returned when a request does not say. */
  @WithDefault("8")
  int defaultTopK();

  /** Request limits. */
  Limits limits();

  /** Lexical (BM25-style) vectors. Changing these needs a reindex. */
  Lexical lexical();

  /** Hybrid search. */
  Hybrid hybrid();

  /** Multi-source fusion, de-duplication and diversity (the FULL mode). */
  Full full();

  /** The reranking stage of the FULL mode. */
  Rerank rerank();

  /** A second embedding model's index searched beside the live model's: the dense ensemble. */
  Ensemble ensemble();

  /**
   * The dense ensemble. Its index is kept by a second embed-service running that model on its own
   * consumer group (`./rag up` starts one when {@code RAG_ENSEMBLE_MODEL} names the model), which
   * doubles the embedding work of ingest; queries are embedded with it in this process.
   */
  interface Ensemble {
    /** The second model's id (one of this build's models); unset: no ensemble. */
    Optional<String> model();

    /** Share of the second model's cosine similarity in the dense signal, in [0, 1]. */
    @WithDefault("0.5")
    double weight();
  }

  /** The offline evidence reranker: document context and term proximity. */
  interface Rerank {
    /** Whether FULL mode reranks. */
    @WithDefault("true")
    boolean enabled();

    /** Candidates reranked (at least twice top_k are). */
    @WithDefault("20")
    int depth();

    /** Weight of the best sibling chunk's score; 0 was best on SciFact train. */
    @WithDefault("0")
    double contextWeight();

    /**
     * Weight of the share of query term pairs found adjacent in the passage; 0 (off): with scores
     * completed, 0.05 cost SciFact train, CISI and CACM 0.0003 to 0.0025 nDCG@10.
     */
    @WithDefault("0")
    double proximityWeight();
  }

  /** The Qdrant server. */
  Qdrant qdrant();

  /** Where queries are embedded. */
  QueryEmbedding queryEmbedding();

  /** Where queries are embedded: in this process, or by embed-service over gRPC. */
  interface QueryEmbedding {
    /**
     * auto: in this process when embed-service runs its model on a CPU too (a query then costs its
     * inference alone, not a network hop to a service busy indexing); local: in this process
     * whenever this build has the model, even when embed-service has a GPU; remote: always
     * embed-service. Either way the model is embed-service's, and vectors made here are used only
     * once they have been shown equal to embed-service's.
     */
    @WithDefault("auto")
    Placement placement();

    /** Inference threads of the model run here: one query is as fast on 1 as on 2. */
    @WithDefault("1")
    int threads();

    /**
     * Deadline of each call to embed-service, sent with the call (a shorter deadline of the query
     * being answered wins): past it embed-service stops working on it too.
     */
    @WithDefault("10s")
    Duration timeout();
  }

  /** See {@link QueryEmbedding#placement()}. */
  enum Placement {
    AUTO,
    LOCAL,
    REMOTE
  }

  /** Indexing the embeddings topic. */
  Indexing indexing();

  /**
   * How indexing retries. A failure that says Qdrant cannot take writes now (down, overloaded,
   * rate-limited, writes refused) is retried for as long as it lasts; one that says the event is
   * malformed goes to the dead-letter topic at once; any other failure is retried, and counted only
   * while Qdrant answers its health check, up to {@link #maxAttempts()}.
   */
  interface Indexing {
    /** Attempts at an event that fails for no known reason while Qdrant is up. */
    @WithDefault("8")
    int maxAttempts();

    /** Wait before the first retry; it doubles with each retry. */
    @WithDefault("250ms")
    Duration initialBackoff();

    /** Longest wait between retries. */
    @WithDefault("30s")
    Duration maxBackoff();

    /**
     * Consumers of the embeddings topic in this process, each with its own share of the partitions
     * and its own thread, so that one waiting on Qdrant does not hold up the others. Events of one
     * document stay in order (they share a partition). More than the topic's partitions divided by
     * the replicas leaves some idle. Read by the channel's {@code concurrency} attribute in
     * application.properties.
     */
    @WithDefault("3")
    int consumers();
  }

  /** Request limits. */
  interface Limits {
    /** Longest query in characters. */
    @WithDefault("2048")
    int maxQueryChars();

    /** Largest top_k. */
    @WithDefault("200")
    int maxTopK();

    /**
     * Most sources a query may name. FULL mode searches each source on its own, once per signal
     * (dense and lexical), so this bounds the Qdrant searches one query costs; a query naming more
     * is refused. A tenant with more sources than this, queried without naming any, is searched
     * across all of them at once (as HYBRID mode does) instead of source by source.
     */
    @WithDefault("16")
    int maxSources();

    /**
     * Most feedback passages, and most terms feedback adds, a request may ask for (each added term
     * is one more document-frequency count and one more term in the second lexical search).
     */
    @WithDefault("100")
    int maxFeedback();
  }

  /**
   * Lexical vectors: BM25 term-frequency saturation; the IDF comes from the searching tenant's own
   * passages at query time.
   */
  interface Lexical {
    /** Term-frequency saturation. */
    @WithDefault("1.2")
    double k1();

    /** Length normalisation strength. */
    @WithDefault("0.75")
    double b();

    /**
     * Expected passage length in analysed terms (title, section and searched metadata included).
     */
    @WithDefault("120")
    double averageLength();

    /**
     * How long a tenant's document frequency of a term (counted by Qdrant) is reused; 0 counts at
     * every query.
     */
    @WithDefault("30s")
    Duration statisticsTtl();

    /**
     * Whose passages a query term's document frequency is counted among: {@code tenant}, all of the
     * tenant's; or {@code searched}, those of the sources the query names (all of the tenant's when
     * it names none). Either way no other tenant's documents count, and every source one query
     * searches is scored with the same statistics. The tenant's were better on CACM and equal
     * elsewhere (docs/decisions.md).
     */
    @WithDefault("tenant")
    StatisticsScope statistics();

    /** Pseudo-relevance feedback (RM3-style) on the lexical signal. */
    Feedback feedback();

    /**
     * Pseudo-relevance feedback: the best passages of a first lexical search expand the query with
     * their most weighty terms, and the lexical signal is searched again with it (a read of those
     * passages' vectors, counts of the new terms and a second lexical search per query).
     */
    interface Feedback {
      /** The best lexical hits of each searched scope the expansion is drawn from; 0: off. */
      @WithDefault("0")
      int passages();

      /** Terms added to the query. */
      @WithDefault("10")
      int terms();

      /** Weight of the original query against the added terms, in [0, 1]. */
      @WithDefault("0.5")
      double queryWeight();
    }

    /**
     * The document metadata whose values are searched with each passage's words (after its title
     * and section), so that a question naming a paper's authors or year finds it; {@code none} (a
     * key no document has) for none.
     */
    @WithDefault("authors,author,date,year")
    List<String> metadataFields();
  }

  /** Hybrid search defaults; a request may override them. */
  interface Hybrid {
    /** How the signals are combined: min-max, rrf or dbsf. */
    @WithDefault("min-max")
    FusionMethod fusion();

    /**
     * Weight of the dense signal in [0, 1]; 0.7 was best on SciFact train, CISI and CACM together
     * (min-max fusion, scores completed).
     */
    @WithDefault("0.7")
    double denseWeight();

    /** Candidates fetched per signal and source. */
    @WithDefault("100")
    int depth();

    /**
     * Whether a candidate that one signal found and another did not is scored by that one too (the
     * store scores just those points, in one more round trip, every signal at once: the lexical
     * one, the live model and the dense ensemble's second model), rather than counted as that
     * signal's worst candidate. Not with lexical feedback, whose query is each scope's own.
     */
    @WithDefault("true")
    boolean completeScores();
  }

  /** The FULL mode's stages after hybrid search. */
  interface Full {
    /** pooled or per-source score normalisation across sources. */
    @WithDefault("pooled")
    SourceFusion.Normalization normalization();

    /** Term overlap (Jaccard) at which two passages count as duplicates. */
    @WithDefault("0.9")
    double duplicateThreshold();

    /** Weight of relevance against novelty in MMR; 1 disables MMR. */
    @WithDefault("1.0")
    double diversityLambda();

    /** Most passages of one document in a result. */
    @WithDefault("3")
    int maxPerDocument();
  }

  /** The Qdrant server, reached over gRPC. */
  interface Qdrant {
    /** Host name. */
    @WithDefault("localhost")
    String host();

    /** gRPC port. */
    @WithDefault("6334")
    int port();

    /**
     * The nodes of a Qdrant cluster, {@code host:port} each (gRPC ports), in place of {@code host}
     * and {@code port}: calls are spread over them and pass by a node that is down.
     */
    Optional<List<String>> hosts();

    /**
     * Copies of a shard that must take a write before it is acknowledged (Qdrant's
     * write_consistency_factor) in the collections this service creates; at most {@code
     * replication-factor}. 1 keeps writes going while one copy's node is down.
     */
    @WithDefault("1")
    int writeConsistencyFactor();

    /** Whether to use TLS. */
    @WithDefault("false")
    boolean tls();

    /**
     * PEM file of the certificate authorities that sign Qdrant's certificate, when they are not
     * among the JVM's (a private authority); only with {@code tls}.
     */
    Optional<String> caCertificate();

    /**
     * Whether Qdrant may gzip its answers. Off: on a local network compressing costs more than it
     * saves (measured on SciFact: a 100-passage search with texts took 9.0 ms with gzip, 2.8 ms
     * without); turn it on when Qdrant is far away over a slow link.
     */
    @WithDefault("false")
    boolean compression();

    /** API key, when the server requires one. */
    Optional<String> apiKey();

    /** Collection holding every tenant's passages (each point carries its tenant). */
    @WithDefault("rag_passages")
    String collection();

    /** Deadline of each call to Qdrant. */
    @WithDefault("10s")
    Duration timeout();

    /**
     * Tries of a search that failed for a passing reason (a node down or restarting, a shard copy
     * that could not be read, a node shedding load): each goes to the next node. 1: no retry.
     */
    @WithDefault("4")
    int readAttempts();

    /**
     * Pause before the second try of such a search, doubled before each further one (100ms, 200ms,
     * 400ms with the defaults): long enough to outlast a shard copy that a restarted node is still
     * loading, short next to the call's deadline.
     */
    @WithDefault("100ms")
    Duration readBackoff();

    /** Shards of each collection this service creates (a Qdrant cluster spreads them). */
    @WithDefault("1")
    int shardNumber();

    /** Copies of each shard in a Qdrant cluster. */
    @WithDefault("1")
    int replicationFactor();

    /** How dense vectors are stored, indexed and searched: the memory and quality trade-off. */
    VectorIndex index();
  }

  /**
   * The dense vectors' index (applied when a collection is made, and to an existing one at
   * startup): a quantized copy in memory searched first, the originals rescoring the best
   * candidates.
   */
  interface VectorIndex {
    /**
     * Quantization of the in-memory copy: none, scalar (int8, 4x smaller; the default: recall@10
     * 0.987 against exact search at 100k passages, SciFact nDCG@10 unchanged) or binary (32x;
     * recall 0.58-0.70 with 384-dimension models, not for them). See docs/decisions.md#scale.
     */
    @WithDefault("scalar")
    Quantization quantization();

    /** Whether the original vectors live on disk (read only to rescore) when quantized. */
    @WithDefault("true")
    boolean onDisk();

    /** Candidates the quantized search finds per result kept, rescored with the originals. */
    @WithDefault("4.0")
    double oversampling();

    /** Whether the best candidates of a quantized search are rescored with the originals. */
    @WithDefault("true")
    boolean rescore();

    /** HNSW links per node (more: better recall, more memory). */
    @WithDefault("16")
    int m();

    /** HNSW candidates considered while building the graph. */
    @WithDefault("100")
    int efConstruct();

    /**
     * HNSW candidates considered per query (at least the number of results asked for): 256 found
     * 0.987 of the exact 10 at 100k passages for 0.4 ms more than 128 (0.958).
     */
    @WithDefault("256")
    int ef();

    /**
     * Whether the payload indexes other than the tenant's (lexical term ids, document ids,
     * versions, sources, chunk positions) are memory-mapped files instead of heap memory: they are
     * most of Qdrant's memory per passage. Taken when a collection is created.
     */
    @WithDefault("true")
    boolean payloadOnDisk();

    /**
     * Whether the inverted index of the lexical (sparse) vectors is a memory-mapped file instead of
     * heap memory. Applied to existing collections at the next start.
     */
    @WithDefault("true")
    boolean sparseOnDisk();
  }

  /** Quantization of the in-memory dense vectors. */
  enum Quantization {
    NONE,
    SCALAR,
    BINARY
  }
}
