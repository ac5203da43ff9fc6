package dev.rag.ingest;

import dev.rag.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many files are parsed at once: parsing costs memory and CPU in proportion to the file, so at
 * most {@code ingest.limits.parses.max-concurrent} files are parsed by this instance and {@code
 * max-concurrent-per-key} for one API key, and at most {@code max-concurrent-uploads} files are
 * being received (stored on disk) at once; a file over any is refused at once (the caller retries),
 * so one caller's uploads cannot hold every parser, and all of them together cannot fill the disk.
 */
@ApplicationScoped
public class ParsePermits {

  private final Semaphore instance;
  private final int perKey;
  private final Semaphore uploads;
  private final ConcurrentHashMap<String, Integer> byKey = new ConcurrentHashMap<>();

  @Inject
  ParsePermits(IngestConfig config) {
    this(
        config.limits().parses().maxConcurrent(),
        config.limits().parses().maxConcurrentPerKey(),
        config.limits().parses().maxConcurrentUploads());
  }

  ParsePermits(int maxConcurrent, int maxConcurrentPerKey, int maxConcurrentUploads) {
    this.instance = new Semaphore(maxConcurrent);
    this.perKey = maxConcurrentPerKey;
    this.uploads = new Semaphore(maxConcurrentUploads);
  }

  /** A permit to parse one file; close it when the parse is over. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /** Refused: too many files are being parsed; the message says which limit. */
  public static final class BusyException extends RuntimeException {
    public BusyException(String message) {
      super(message);
    }
  }

  /**
   * Takes one of the caller's permits, held from the first byte of the upload to the end of its
   * parse (so one key's uploads cannot fill this instance's disk either).
   *
   * @throws BusyException when the key has as many files in progress as allowed
   */
  public Permit forKey(String key) {
    if (byKey.merge(key, 1, Integer::sum) > perKey) {
      release(key);
      throw new BusyException(
          "this API key already has "
              + perKey
              + " file(s) being uploaded or parsed (ingest.limits.parses.max-concurrent-per-key);"
              + " retry when done");
    }
    if (!uploads.tryAcquire()) {
      release(key);
      throw new BusyException(
          "this instance is receiving as many files as it may"
              + " (ingest.limits.parses.max-concurrent-uploads); retry shortly");
    }
    return once(
        () -> {
          uploads.release();
          release(key);
        });
  }

  /**
   * Takes one of this instance's parse permits, held while a stored upload is parsed.
   *
   * @throws BusyException when this instance is parsing as many files as allowed
   */
  public Permit forParse() {
    if (!instance.tryAcquire()) {
      throw new BusyException(
          "this instance is parsing as many files as it may"
              + " (ingest.limits.parses.max-concurrent); retry shortly");
    }
    return once(instance::release);
  }

  private static Permit once(Runnable release) {
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        release.run();
      }
    };
  }

  private void release(String key) {
    byKey.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
