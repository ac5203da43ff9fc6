package dev.rag.generate.llm;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A model behind an HTTP API, through LangChain4j's streaming chat clients. */
public final class LangChainProvider implements LlmProvider {

  /**
   * Where each generation is read. LangChain4j's client may parse a stream on the thread that
   * started it (when the response has begun before the parse is attached), which would leave the
   * caller blocked in {@link #stream} for as long as the model writes or stalls: the caller must
   * only wait on its {@link LlmListener}, with its own timeouts.
   */
  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(
          new ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "llm-stream-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  private final StreamingChatModel model;
  private final String modelName;
  private final boolean finishReasonRequired;

  /**
   * @param finishReasonRequired whether an answer that ends without saying why was cut off:
   *     OpenAI's protocol always sends a {@code finish_reason}, and LangChain4j reports a stream
   *     the server closed before it as complete
   */
  LangChainProvider(StreamingChatModel model, String modelName, boolean finishReasonRequired) {
    this.model = model;
    this.modelName = modelName;
    this.finishReasonRequired = finishReasonRequired;
  }

  /**
   * Any server speaking OpenAI's chat-completions protocol: hosted APIs, vLLM, llama.cpp's server,
   * Ollama's {@code /v1}.
   *
   * @param baseUrl the API root, e.g. {@code http://127.0.0.1:11434/v1}
   * @param apiKey bearer key; servers that need none accept any value
   * @param timeout connection and response-headers timeout of each request
   */
  public static LangChainProvider openAiCompatible(
      String baseUrl, String apiKey, String modelName, Duration timeout) {
    return new LangChainProvider(
        OpenAiStreamingChatModel.builder()
            .baseUrl(baseUrl)
            .apiKey(apiKey == null || apiKey.isBlank() ? "none" : apiKey)
            .modelName(modelName)
            .timeout(timeout)
            .build(),
        modelName,
        true);
  }

  /** Ollama's native API, e.g. {@code http://127.0.0.1:11434}. */
  public static LangChainProvider ollama(String baseUrl, String modelName, Duration timeout) {
    return new LangChainProvider(
        OllamaStreamingChatModel.builder()
            .baseUrl(baseUrl)
            .modelName(modelName)
            .timeout(timeout)
            .build(),
        modelName,
        false);
  }

  @Override
  public String model() {
    return modelName;
  }

  @Override
  public Cancellable stream(List<LlmMessage> messages, LlmParams params, LlmListener listener) {
    ChatRequest request =
        ChatRequest.builder()
            .messages(messages.stream().map(LangChainProvider::message).toList())
            .parameters(
                ChatRequestParameters.builder()
                    .maxOutputTokens(params.maxTokens())
                    .temperature(params.temperature())
                    .stopSequences(params.stop().isEmpty() ? null : params.stop())
                    .build())
            .build();
    AtomicReference<StreamingHandle> handle = new AtomicReference<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    StreamingChatResponseHandler handler =
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            handle.compareAndSet(null, context.streamingHandle());
            if (cancelled.get()) {
              context.streamingHandle().cancel();
              return;
            }
            listener.onToken(partial.text());
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            if (response.finishReason() == null && finishReasonRequired) {
              // The connection closed midway (a server that died or dropped it): not an answer.
              listener.onError(
                  new LlmUnavailableException(
                      "the language model's stream ended before the model said it had finished",
                      null));
              return;
            }
            TokenUsage usage = response.tokenUsage();
            listener.onComplete(
                response.finishReason() == FinishReason.LENGTH ? "length" : "stop",
                usage == null || usage.inputTokenCount() == null ? -1 : usage.inputTokenCount(),
                usage == null || usage.outputTokenCount() == null ? -1 : usage.outputTokenCount());
          }

          @Override
          public void onError(Throwable error) {
            listener.onError(error);
          }
        };
    Future<?> reading =
        READERS.submit(
            () -> {
              try {
                model.chat(request, handler);
              } catch (RuntimeException e) {
                listener.onError(e);
              }
            });
    return () -> {
      cancelled.set(true);
      StreamingHandle h = handle.get();
      if (h != null) {
        h.cancel();
      }
      reading.cancel(true);
    };
  }

  private static ChatMessage message(LlmMessage m) {
    return switch (m.role()) {
      case "system" -> SystemMessage.from(m.text());
      case "assistant" -> AiMessage.from(m.text());
      default -> UserMessage.from(m.text());
    };
  }
}
