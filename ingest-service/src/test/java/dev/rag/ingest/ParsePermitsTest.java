package dev.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The caps on files received and parsed at once. */
class ParsePermitsTest {

  @Test
  void eachCapRefusesPastItAndAPermitIsGivenBackOnce() {
    ParsePermits permits = new ParsePermits(1, 1, 2);
    ParsePermits.Permit alice = permits.forKey("alice");
    assertThatThrownBy(() -> permits.forKey("alice"))
        .isInstanceOf(ParsePermits.BusyException.class)
        .hasMessageContaining("max-concurrent-per-key");
    ParsePermits.Permit bob = permits.forKey("bob");
    // Two files being received on this instance: a third key waits too.
    assertThatThrownBy(() -> permits.forKey("carol"))
        .hasMessageContaining("max-concurrent-uploads");
    ParsePermits.Permit parse = permits.forParse();
    assertThatThrownBy(permits::forParse).hasMessageContaining("max-concurrent)");
    parse.close();
    permits.forParse().close();

    alice.close();
    alice.close(); // given back once: bob and dave then fill the two places
    ParsePermits.Permit dave = permits.forKey("dave");
    assertThatThrownBy(() -> permits.forKey("carol"))
        .hasMessageContaining("max-concurrent-uploads");
    bob.close();
    dave.close();
    assertThat(permits.forKey("alice")).isNotNull();
  }
}
