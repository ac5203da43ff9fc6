package dev.rag.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.common.auth.ApiKeys;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-key limits and the key registry, without a server. */
class LimitsAndKeysTest {

  private static final ApiKeys.Caller ALICE =
      new ApiKeys.Caller("alice", "lab", Set.of(ApiKeys.Role.QUERY));
  private static final ApiKeys.Caller BOB =
      new ApiKeys.Caller("bob", "lab", Set.of(ApiKeys.Role.QUERY));
  private static final ApiKeys.Caller SERVICE =
      new ApiKeys.Caller("generate", "lab", Set.of(ApiKeys.Role.SERVICE, ApiKeys.Role.QUERY));

  @Test
  void aKeyHasItsBurstThenWaitsWhileOtherKeysAndServicesGoOn() {
    // One a minute: a burst of 3, then a wait of up to a minute (a stall of a minute between
    // these lines would be needed for the fourth to pass).
    RateLimiter limiter = new RateLimiter(TestAuthConfig.keys(""));
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire(ALICE)).isZero();
    }
    assertThat(limiter.acquire(ALICE)).isBetween(1L, 60L);
    assertThat(limiter.acquire(BOB)).isZero();
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.acquire(SERVICE)).isZero();
    }
    assertThat(limiter.acquire(null)).isZero();
  }

  @Test
  void aKeyHoldsAtMostItsPlacesInFlightAndGetsThemBackOnce() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(TestAuthConfig.keys(""));
    ConcurrencyLimiter.Permit first = limiter.acquire(ALICE);
    ConcurrencyLimiter.Permit second = limiter.acquire(ALICE);
    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    assertThat(limiter.acquire(ALICE)).as("a third request in flight").isNull();
    assertThat(limiter.acquire(BOB)).isNotNull();
    assertThat(limiter.acquire(SERVICE)).isNotNull();
    first.release();
    first.release(); // given back once only
    assertThat(limiter.acquire(ALICE)).isNotNull();
    assertThat(limiter.acquire(ALICE)).isNull();
  }

  @Test
  void theRegistryKnowsKeysByDigestAndRefusesToStartWithoutAny() {
    String key = ApiKeys.newKey();
    KeyRegistry registry =
        new KeyRegistry(TestAuthConfig.keys("alice " + ApiKeys.digest(key) + " lab query"));
    assertThat(registry.caller(key)).map(ApiKeys.Caller::tenant).contains("lab");
    assertThat(registry.caller(key + "x")).isEmpty();

    assertThatThrownBy(() -> new KeyRegistry(TestAuthConfig.keys("")))
        .hasMessageContaining("no API key is configured");
    // With authentication off no key counts, and none is needed.
    KeyRegistry open = new KeyRegistry(new TestAuthConfig(false, Optional.empty(), 1, 3, 2));
    assertThat(open.enabled()).isFalse();
    assertThat(open.caller(key)).isEmpty();
  }
}
