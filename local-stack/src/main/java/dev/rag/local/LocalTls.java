package dev.rag.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS material of a local secured system, made with the JDK's {@code keytool}: a certificate
 * authority of its own, and one server certificate it signs for 127.0.0.1 and localhost that every
 * local server presents (Kafka brokers and controllers, Qdrant nodes). Clients trust the authority
 * through {@link Material#truststore()} (PKCS#12) or {@link Material#caPem()}; servers that read
 * PEM (Qdrant) get {@link Material#certPem()} and {@link Material#keyPem()}.
 *
 * <p>The folder is made once and reused: a second call finds the material and returns it. The
 * stores' password is random and kept in {@code password} (owner-only, like the private key).
 */
public final class LocalTls {

  /** The certificates' lifetime in days (the longest that common clients accept). */
  static final int VALIDITY_DAYS = 825;

  /** The server certificate's subject; controllers authenticate each other with it. */
  public static final String SERVER_SUBJECT = "CN=rag-local-server";

  private LocalTls() {}

  /**
   * Where the files are.
   *
   * @param password of every PKCS#12 store in the folder
   * @param truststore PKCS#12 holding the authority's certificate only
   * @param keystore PKCS#12 holding the server's key and its chain
   * @param caPem the authority's certificate
   * @param certPem the server's certificate chain
   * @param keyPem the server's private key (PKCS#8)
   */
  public record Material(
      Path dir,
      String password,
      Path truststore,
      Path keystore,
      Path caPem,
      Path certPem,
      Path keyPem) {}

  /** Makes the material in {@code dir} unless it is there already. */
  public static Material ensure(Path dir) {
    Material m = at(dir);
    if (Files.isRegularFile(m.keyPem()) && Files.isRegularFile(m.truststore())) {
      return m;
    }
    try {
      // Owner-only: the authority's and the server's private keys are in here.
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      writePrivate(dir.resolve("password"), password);
      m = at(dir);
      Path ca = dir.resolve("ca.p12");
      Path csr = dir.resolve("server.csr");
      Files.deleteIfExists(ca);
      Files.deleteIfExists(m.keystore());
      Files.deleteIfExists(m.truststore());
      String days = Integer.toString(VALIDITY_DAYS);
      // keytool reads the password from its file: it never appears in a process listing.
      Path secret = dir.resolve("password");
      keytool(
          "-genkeypair -alias ca -keyalg RSA -keysize 2048 -dname CN=rag-local-ca"
              + " -ext bc:c=ca:true -ext ku:c=keyCertSign,cRLSign -validity %s"
              + " -keystore %s -storetype PKCS12 -storepass:file %s",
          days, ca, secret);
      keytool(
          "-exportcert -rfc -alias ca -keystore %s -storepass:file %s -file %s",
          ca, secret, m.caPem());
      keytool(
          "-importcert -noprompt -alias ca -file %s -keystore %s -storetype PKCS12 -storepass:file %s",
          m.caPem(), m.truststore(), secret);
      keytool(
          "-genkeypair -alias server -keyalg RSA -keysize 2048 -dname %s -validity %s"
              + " -keystore %s -storetype PKCS12 -storepass:file %s",
          SERVER_SUBJECT, days, m.keystore(), secret);
      keytool(
          "-certreq -alias server -keystore %s -storepass:file %s -file %s",
          m.keystore(), secret, csr);
      Path signed = dir.resolve("server-signed.pem");
      // Signed for the loopback address and name: clients verify the host they connect to.
      keytool(
          "-gencert -rfc -alias ca -keystore %s -storepass:file %s -infile %s -outfile %s"
              + " -validity %s -ext san=ip:127.0.0.1,dns:localhost"
              + " -ext ku:c=digitalSignature,keyEncipherment -ext eku=serverAuth,clientAuth",
          ca, secret, csr, signed, days);
      keytool(
          "-importcert -noprompt -alias ca -file %s -keystore %s -storepass:file %s",
          m.caPem(), m.keystore(), secret);
      keytool(
          "-importcert -alias server -file %s -keystore %s -storepass:file %s",
          signed, m.keystore(), secret);
      Files.writeString(
          m.certPem(),
          Files.readString(signed) + Files.readString(m.caPem()),
          StandardCharsets.US_ASCII);
      writePrivate(m.keyPem(), privateKeyPem(m.keystore(), password));
      Files.delete(csr);
      Files.delete(signed);
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write TLS material into " + dir, e);
    }
  }

  /** The material's paths in {@code dir} (read from its password file when there is one). */
  public static Material at(Path dir) {
    Path passwordFile = dir.resolve("password");
    String password;
    try {
      password = Files.isRegularFile(passwordFile) ? Files.readString(passwordFile).strip() : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Material(
        dir,
        password,
        dir.resolve("truststore.p12"),
        dir.resolve("server.p12"),
        dir.resolve("ca.pem"),
        dir.resolve("server.pem"),
        dir.resolve("server.key"));
  }

  /** A TLS context that trusts the material's authority (for HTTPS clients of local servers). */
  public static SSLContext clientContext(Material m) {
    try {
      KeyStore trust = load(m.truststore(), m.password());
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not load the truststore " + m.truststore(), e);
    }
  }

  private static KeyStore load(Path store, String password) throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, password.toCharArray());
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + store, e);
    }
  }

  /** {@code java -cp local-stack.jar dev.rag.local.LocalTls DIR}: makes the material in DIR. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: LocalTls DIR");
      System.exit(2);
    }
    Material m = ensure(Path.of(args[0]));
    System.out.println(m.dir());
  }

  private static String privateKeyPem(Path keystore, String password) {
    try {
      KeyStore store = load(keystore, password);
      Key key = store.getKey("server", password.toCharArray());
      String body =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.getEncoded());
      return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not read the server key from " + keystore, e);
    }
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.US_ASCII);
  }

  /**
   * Runs keytool with the words of {@code template}, each {@code %s} word replaced by the next
   * value (so a value with spaces stays one argument).
   */
  private static void keytool(String template, Object... values) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    int next = 0;
    for (String word : template.split(" ")) {
      command.add(word.equals("%s") ? String.valueOf(values[next++]) : word);
    }
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool " + command.get(1) + " failed: " + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
