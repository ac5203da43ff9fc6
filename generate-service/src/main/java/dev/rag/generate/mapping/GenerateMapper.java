package dev.rag.generate.mapping;

import dev.rag.generate.Answer;
import dev.rag.generate.ChatMessage;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.ClaimSupport;
import dev.rag.generate.RetrievedPassage;
import dev.rag.generate.SourceRef;
import dev.rag.proto.v1.GenerateRequest;
import dev.rag.proto.v1.GenerateResponse;
import dev.rag.proto.v1.Source;
import dev.rag.proto.v1.SourceList;
import dev.rag.proto.v1.UnsupportedClaim;
import java.util.List;

/**
 * gRPC Generate messages to and from the domain: a request to a {@link ChatRequest} (the default
 * answer length), and the three kinds of streamed response: a text piece, the sources, why it
 * ended.
 */
public final class GenerateMapper {

  private GenerateMapper() {}

  /** The chat request a gRPC request asks for; 0 and empty mean the configured defaults. */
  public static ChatRequest request(GenerateRequest request) {
    List<ChatMessage> messages =
        request.getMessagesList().stream()
            .map(m -> new ChatMessage(m.getRole(), m.getContent()))
            .toList();
    return new ChatRequest(messages, request.getTopK(), request.getSourcesList(), 0);
  }

  /** A piece of the answer's text. */
  public static GenerateResponse delta(String piece) {
    return GenerateResponse.newBuilder().setDelta(piece).build();
  }

  /** The numbered sources of an ended answer. */
  public static GenerateResponse sources(Answer answer) {
    SourceList.Builder sources = SourceList.newBuilder();
    for (SourceRef ref : answer.sources()) {
      RetrievedPassage p = ref.passage();
      sources.addSources(
          Source.newBuilder()
              .setNumber(ref.number())
              .setSource(p.source())
              .setDocumentId(p.documentId())
              .setTitle(p.title())
              .setChunkIndex(p.chunkIndex())
              .setText(p.text())
              .setScore(p.score())
              .setPageStart(p.pageStart())
              .setPageEnd(p.pageEnd()));
    }
    for (ClaimSupport.Unsupported u : answer.unsupported()) {
      sources.addUnsupportedClaims(
          UnsupportedClaim.newBuilder()
              .setSentence(u.sentence())
              .addAllCitations(u.citations())
              .setSupport(u.support())
              .setReason(u.reason())
              .setSupportedBy(u.supportedBy()));
    }
    return GenerateResponse.newBuilder()
        .setSources(sources.setAbstained(answer.abstained()))
        .build();
  }

  /** Why the answer ended ({@code stop} or {@code length}). */
  public static GenerateResponse finish(Answer answer) {
    return GenerateResponse.newBuilder().setFinishReason(answer.finishReason()).build();
  }
}
