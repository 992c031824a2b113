package dev.cortado.hack.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * An RSA key and its self-signed certificate. The token server signs with one, whose certificate is
 * the registry's {@code rootcertbundle}: the registry trusts a token whose {@code x5c} chain ends
 * there. Schema 1 manifests are signed with one too.
 */
public record SigningKey(PrivateKey privateKey, X509Certificate certificate, Path certificateFile) {

    /** Generates a fresh key and certificate with the openssl CLI into {@code dir}. */
    public static SigningKey generate(Path dir) {
        Path keyFile = dir.resolve("token-signing.key");
        Path certFile = dir.resolve("token-signing.crt");
        Commands.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", keyFile.toString(), "-out", certFile.toString(),
                "-days", "30", "-subj", "/CN=cortado test token issuer"));
        try {
            return new SigningKey(readPkcs8Key(keyFile), readCertificate(certFile), certFile);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the key openssl wrote in " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("openssl wrote a key or certificate Java cannot load: " + e.getMessage(), e);
        }
    }

    /** The certificate as one {@code x5c} element: standard base64 of its DER form. */
    public String x5cElement() {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the token signing certificate", e);
        }
    }

    private static PrivateKey readPkcs8Key(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < 0) {
            throw new GeneralSecurityException(file + " is not a PKCS#8 PEM private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        byte[] pem = Files.readAllBytes(file);
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));
    }
}
