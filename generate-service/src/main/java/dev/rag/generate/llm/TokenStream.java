package dev.rag.generate.llm;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A generation read as a sequence of pieces by the thread that answers the client, while the
 * provider's threads produce them. Waits are bounded: a model that goes silent longer than the idle
 * timeout ends the stream with an {@link LlmUnavailableException}.
 */
public final class TokenStream implements LlmListener, AutoCloseable {

  private sealed interface Event permits Piece, Done, Failed {}

  private record Piece(String text) implements Event {}

  private record Done(String finishReason, int promptTokens, int completionTokens)
      implements Event {}

  private record Failed(Throwable error) implements Event {}

  // The provider produces at its own pace; a few thousand pieces is a whole answer.
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private volatile LlmProvider.Cancellable cancellable = () -> {};
  private Event peeked;
  private Done done;

  void cancelWith(LlmProvider.Cancellable cancellable) {
    this.cancellable = cancellable;
  }

  @Override
  public void onToken(String text) {
    if (text != null && !text.isEmpty()) {
      events.add(new Piece(text));
    }
  }

  @Override
  public void onComplete(String finishReason, int promptTokens, int completionTokens) {
    events.add(new Done(finishReason, promptTokens, completionTokens));
  }

  @Override
  public void onError(Throwable error) {
    events.add(new Failed(error));
  }

  /**
   * Waits for the first event without consuming a piece: returns when the model has started to
   * answer (or finished at once).
   *
   * @throws LlmUnavailableException when it failed or said nothing within {@code timeout}
   */
  void awaitStart(Duration timeout) {
    peeked = take(timeout, "no answer within " + timeout.toMillis() + " ms");
    if (peeked instanceof Failed f) {
      throw unavailable(f.error());
    }
  }

  /**
   * The next piece, or null when the generation has ended.
   *
   * @throws LlmUnavailableException when it failed or went silent for {@code idleTimeout}
   */
  public String next(Duration idleTimeout) {
    if (done != null) {
      return null;
    }
    Event event = peeked != null ? peeked : take(idleTimeout, "silent for " + idleTimeout);
    peeked = null;
    if (event instanceof Piece p) {
      return p.text();
    }
    if (event instanceof Done d) {
      done = d;
      return null;
    }
    throw unavailable(((Failed) event).error());
  }

  /** Why the generation ended ({@code stop} or {@code length}); null until it has. */
  public String finishReason() {
    return done == null ? null : done.finishReason();
  }

  /** Prompt tokens the model reported, or -1. */
  public int promptTokens() {
    return done == null ? -1 : done.promptTokens();
  }

  /** Generated tokens the model reported, or -1. */
  public int completionTokens() {
    return done == null ? -1 : done.completionTokens();
  }

  /** Stops the generation if it still runs. */
  @Override
  public void close() {
    if (done == null) {
      cancellable.cancel();
    }
  }

  private Event take(Duration timeout, String silence) {
    try {
      Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (event == null) {
        cancellable.cancel();
        throw new LlmUnavailableException("the language model was " + silence, null);
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancellable.cancel();
      throw new LlmUnavailableException("interrupted while waiting for the language model", e);
    }
  }

  private static LlmUnavailableException unavailable(Throwable error) {
    if (error instanceof LlmUnavailableException u) {
      return u;
    }
    String message =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return new LlmUnavailableException("the language model failed: " + message, error);
  }
}
