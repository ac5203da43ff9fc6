package dev.rag.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTlsTest {

  @TempDir Path dir;

  @Test
  void makesAnAuthorityAndAServerCertificateForTheLoopbackOnce() throws Exception {
    LocalTls.Material m = LocalTls.ensure(dir);

    List<X509Certificate> chain = certificates(m.certPem());
    X509Certificate server = chain.get(0);
    X509Certificate authority = certificates(m.caPem()).get(0);
    assertThat(chain).hasSize(2);
    assertThat(server.getSubjectX500Principal().getName()).isEqualTo(LocalTls.SERVER_SUBJECT);
    server.verify(authority.getPublicKey());
    server.checkValidity();
    List<Object> names =
        server.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList();
    assertThat(names).contains("127.0.0.1", "localhost");
    assertThat(authority.getBasicConstraints()).isNotNegative();

    // The PEM key is the certificate's: what it signs, the certificate's key verifies.
    String pem = Files.readString(m.keyPem());
    byte[] der =
        Base64.getMimeDecoder()
            .decode(
                pem.replace("-----BEGIN PRIVATE KEY-----", "")
                    .replace("-----END PRIVATE KEY-----", ""));
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(server.getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    assertThat(verifier.verify(signature)).isTrue();

    assertThat(Files.getPosixFilePermissions(dir))
        .containsExactlyInAnyOrder(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.getPosixFilePermissions(m.keyPem()))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(m.truststore())) {
      trust.load(in, m.password().toCharArray());
    }
    assertThat(trust.getCertificate("ca")).isEqualTo(authority);
    assertThat(LocalTls.clientContext(m).getProtocol()).isEqualTo("TLS");

    // A second call keeps what is there: servers already started go on trusting it.
    LocalTls.Material again = LocalTls.ensure(dir);
    assertThat(again.password()).isEqualTo(m.password());
    assertThat(certificates(again.certPem()).get(0)).isEqualTo(server);
  }

  private static List<X509Certificate> certificates(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast)
          .toList();
    }
  }
}
