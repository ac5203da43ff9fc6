package dev.rag.embed.rest;

import dev.rag.auth.Roles;
import dev.rag.common.errors.InvalidArgumentException;
import dev.rag.embed.EmbeddingService;
import dev.rag.embed.InvalidEmbedRequestException;
import dev.rag.embed.mapping.EmbeddingsMapper;
import dev.rag.embed.mapping.EmbeddingsRequest;
import dev.rag.embed.mapping.EmbeddingsResponse;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * OpenAI-compatible embeddings, for keys with the query role: the vectors gRPC Embed gives, so
 * LangChain, LlamaIndex, LangChain4j or another embed-service (the remote backend) can use this
 * model through their OpenAI embeddings client.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.QUERY)
public class EmbeddingsResource {

  private final EmbeddingService embeddings;

  EmbeddingsResource(EmbeddingService embeddings) {
    this.embeddings = embeddings;
  }

  /** One vector per input, in order, within the limits of gRPC Embed. */
  @POST
  @Path("/embeddings")
  @Consumes(MediaType.APPLICATION_JSON)
  @Blocking
  public EmbeddingsResponse embed(EmbeddingsRequest request) {
    List<String> texts = EmbeddingsMapper.texts(request);
    if (request.model() == null || request.model().isBlank()) {
      throw new InvalidEmbedRequestException("model", "model is required: " + embeddings.modelId());
    }
    if (!request.model().equals(embeddings.modelId())) {
      throw new UnknownModelException(request.model(), embeddings.modelId());
    }
    if (request.dimensions() != null && request.dimensions() != embeddings.dimension()) {
      throw new InvalidEmbedRequestException(
          "dimensions",
          "this model's vectors have "
              + embeddings.dimension()
              + " dimensions and cannot be shortened");
    }
    boolean base64 = EmbeddingsMapper.base64(request);
    try {
      EmbeddingService.Embedded embedded =
          embeddings.embedCounted(texts, EmbeddingsMapper.kind(request));
      return EmbeddingsMapper.response(
          embeddings.modelId(), embedded.vectors(), embedded.tokens(), base64);
    } catch (InvalidArgumentException e) {
      throw new InvalidEmbedRequestException(EmbeddingsMapper.asSent(e.field()), e.getMessage());
    }
  }

  /** The one model this service embeds with. */
  @GET
  @Path("/models")
  public Map<String, Object> models() {
    return Map.of(
        "object",
        "list",
        "data",
        List.of(
            Map.of(
                "id", embeddings.modelId(), "object", "model", "created", 0L, "owned_by", "rag")));
  }
}
