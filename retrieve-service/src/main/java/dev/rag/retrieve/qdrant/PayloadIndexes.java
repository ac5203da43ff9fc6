package dev.rag.retrieve.qdrant;

import static dev.rag.retrieve.qdrant.QdrantCollections.CHUNK_INDEX;
import static dev.rag.retrieve.qdrant.QdrantCollections.DOCUMENT_ID;
import static dev.rag.retrieve.qdrant.QdrantCollections.SOURCE;
import static dev.rag.retrieve.qdrant.QdrantCollections.TENANT;
import static dev.rag.retrieve.qdrant.QdrantCollections.TERMS;
import static dev.rag.retrieve.qdrant.QdrantCollections.VERSION;

import io.qdrant.client.grpc.Collections.IntegerIndexParams;
import io.qdrant.client.grpc.Collections.KeywordIndexParams;
import io.qdrant.client.grpc.Collections.PayloadIndexParams;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import java.util.List;

/**
 * The payload indexes of a collection: the tenant as Qdrant's tenant field (points stored by
 * tenant, so one tenant's filtered search reads its own points), keywords for the fields every
 * filter and delete names, and exact-match integers for chunk positions and lexical term ids. All
 * but the tenant's are memory-mapped files where {@code retrieve.qdrant.index.payload-on-disk} says
 * so (the term ids' index is the largest part of Qdrant's memory per passage otherwise).
 */
final class PayloadIndexes {

  private final QdrantCollections collections;
  private final boolean onDisk;

  PayloadIndexes(QdrantCollections collections, boolean onDisk) {
    this.collections = collections;
    this.onDisk = onDisk;
  }

  /** Every index of a new collection. */
  void create(String collection) {
    keyword(
        collection,
        TENANT,
        PayloadIndexParams.newBuilder()
            .setKeywordIndexParams(KeywordIndexParams.newBuilder().setIsTenant(true))
            .build());
    for (String field : List.of(SOURCE, DOCUMENT_ID, VERSION)) {
      keyword(
          collection,
          field,
          PayloadIndexParams.newBuilder()
              .setKeywordIndexParams(KeywordIndexParams.newBuilder().setOnDisk(onDisk))
              .build());
    }
    integer(collection, CHUNK_INDEX);
    integer(collection, TERMS);
  }

  private void keyword(String collection, String field, PayloadIndexParams params) {
    collections.await(
        collections
            .client()
            .createPayloadIndexAsync(
                collection,
                field,
                PayloadSchemaType.Keyword,
                params,
                true,
                null,
                collections.timeout()));
  }

  /** An index for exact matches of integers (no ranges). */
  void integer(String collection, String field) {
    collections.await(
        collections
            .client()
            .createPayloadIndexAsync(
                collection,
                field,
                PayloadSchemaType.Integer,
                PayloadIndexParams.newBuilder()
                    .setIntegerIndexParams(
                        IntegerIndexParams.newBuilder()
                            .setLookup(true)
                            .setRange(false)
                            .setOnDisk(onDisk))
                    .build(),
                true,
                null,
                collections.timeout()));
  }
}
