package dev.rag.common.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys a service accepts. Only their SHA-256 digests are stored (a key is 256 random bits,
 * so a fast digest is enough); each maps to a tenant and roles.
 *
 * <p>One key per line (from a file, e.g. a mounted Kubernetes Secret, or inline entries separated
 * by {@code ;}): {@code <id> <sha256-hex> <tenant> <role>[,<role>...]}, with {@code #} comments.
 * Roles: {@code ingest} (add, delete and read the status of documents), {@code query} (ask and
 * search), {@code admin} (all of the tenant's operations), {@code operator} (platform actions that
 * span every tenant, such as replaying the documents topic for a new model; not a tenant role, so
 * admin does not include it) and {@code service} (one service calling another on behalf of the
 * tenant it names, with only the other roles its key lists, e.g. {@code service,query}; never give
 * it to a person).
 */
public final class ApiKeys {

  /** What a key may do. */
  public enum Role {
    INGEST,
    QUERY,
    ADMIN,
    OPERATOR,
    SERVICE
  }

  /**
   * Who called.
   *
   * @param keyId the key's name (for logs and rate limits; never the key)
   * @param tenant whose documents the caller works on
   * @param roles what it may do
   */
  public record Caller(String keyId, String tenant, Set<Role> roles) {

    public Caller {
      roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    /**
     * Whether the caller may act in {@code role}: admin covers the tenant roles; operator and
     * service are only ever given. Service covers nothing by itself: a service key lists what its
     * calls need (e.g. {@code service,query}), and service only lets it name the tenant it acts
     * for.
     */
    public boolean may(Role role) {
      return roles.contains(role)
          || (role != Role.SERVICE && role != Role.OPERATOR && roles.contains(Role.ADMIN));
    }

    /** Whether the caller is a service that may name the tenant it acts for. */
    public boolean isService() {
      return roles.contains(Role.SERVICE);
    }
  }

  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Caller> byDigest;

  private ApiKeys(Map<String, Caller> byDigest) {
    this.byDigest = Map.copyOf(byDigest);
  }

  /** Parses key lines (see the class comment); blank lines and {@code #} comments are skipped. */
  public static ApiKeys parse(Collection<String> lines) {
    Map<String, Caller> keys = new LinkedHashMap<>();
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length != 4) {
        throw new IllegalArgumentException(
            "API key entry " + n + ": expected '<id> <sha256-hex> <tenant> <roles>'");
      }
      String digest = f[1].toLowerCase(Locale.ROOT);
      if (!HEX.matcher(digest).matches()) {
        throw new IllegalArgumentException(
            "API key entry " + n + " (" + f[0] + "): the digest must be 64 hex digits");
      }
      if (!TENANT.matcher(f[2]).matches()) {
        throw new IllegalArgumentException(
            "API key entry " + n + " (" + f[0] + "): invalid tenant '" + f[2] + "'");
      }
      EnumSet<Role> roles = EnumSet.noneOf(Role.class);
      for (String role : f[3].split(",")) {
        try {
          roles.add(Role.valueOf(role.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "API key entry " + n + " (" + f[0] + "): unknown role '" + role + "'", e);
        }
      }
      if (keys.putIfAbsent(digest, new Caller(f[0], f[2], roles)) != null) {
        throw new IllegalArgumentException("API key entry " + n + " (" + f[0] + ") repeats a key");
      }
    }
    return new ApiKeys(keys);
  }

  /**
   * Keys from a file and inline entries (separated by {@code ;}), either of which may be absent.
   *
   * @throws IllegalArgumentException when an entry is malformed or the file cannot be read
   */
  public static ApiKeys load(Optional<Path> file, Optional<String> inline) {
    return loadAll(file.map(List::of).orElse(List.of()), inline);
  }

  /** Keys from several files (read in order) and inline entries. */
  public static ApiKeys loadAll(List<Path> files, Optional<String> inline) {
    List<String> lines = new ArrayList<>();
    for (Path file : files) {
      try {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the API keys file " + file, e);
      }
    }
    inline.ifPresent(s -> lines.addAll(List.of(s.split(";"))));
    return parse(lines);
  }

  /** How many keys there are. */
  public int size() {
    return byDigest.size();
  }

  /** The caller a presented key belongs to, if any. */
  public Optional<Caller> authenticate(String presentedKey) {
    if (presentedKey == null || presentedKey.isBlank() || presentedKey.length() > 256) {
      return Optional.empty();
    }
    return Optional.ofNullable(byDigest.get(digest(presentedKey.strip())));
  }

  /** The key in an {@code Authorization: Bearer <key>} header value, or null. */
  public static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.strip();
    if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return value.substring(7).strip();
    }
    return null;
  }

  /** A new random key: {@code rag_} and 43 URL-safe characters (256 bits). */
  public static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "rag_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The SHA-256 digest of a key, in lower-case hex, as stored. */
  public static String digest(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The entry line of a key, {@code <id> <sha256-hex> <tenant> <roles>}, as a keys file holds it.
   *
   * @param roles comma-separated, e.g. {@code query,ingest}
   * @throws IllegalArgumentException when the id, tenant or a role is not valid in a keys file
   */
  public static String entry(String id, String key, String tenant, String roles) {
    String line = id + " " + digest(key) + " " + tenant + " " + roles;
    parse(List.of(line));
    return line;
  }

  /** Prints a new key and its entry line: {@code java ... ApiKeys <id> <tenant> <roles>}. */
  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: ApiKeys <id> <tenant> <role>[,<role>...]");
      System.exit(2);
    }
    String key = newKey();
    String entry = entry(args[0], key, args[1], args[2]);
    System.out.println(key);
    System.out.println(entry);
  }
}
