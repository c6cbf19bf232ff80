package dev.benchlake.avro;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The TLS side of the registry client: trust store (server certificates), key store (the client certificate for mutual
 * TLS), protocol, enabled protocols and cipher suites. Without any of these the JDK's defaults apply. Host names are
 * always verified. Both stores are read again when their files change ({@link ReloadingStores}): a rotated
 * certificate is used from the next connection on.
 */
final class TlsSettings {

    private TlsSettings() {
    }

    static void apply(AvroConverterConfig config, HttpClient.Builder builder) {
        String trustStore = blankToNull(config.getString(AvroConverterConfig.SSL_TRUSTSTORE_LOCATION));
        String keyStore = blankToNull(config.getString(AvroConverterConfig.SSL_KEYSTORE_LOCATION));
        String protocol = blankToNull(config.getString(AvroConverterConfig.SSL_PROTOCOL));
        List<String> protocols = config.getList(AvroConverterConfig.SSL_ENABLED_PROTOCOLS);
        List<String> ciphers = config.getList(AvroConverterConfig.SSL_CIPHER_SUITES);
        boolean custom = trustStore != null || keyStore != null;
        if (custom) {
            TrustManager[] trust = null;
            if (trustStore != null) {
                // read now (a bad setting fails the configuration), and again whenever the file changes
                trust = new TrustManager[] {new ReloadingStores.Trust(Path.of(trustStore), () -> trustManager(config, trustStore))};
            }
            KeyManager[] keys = null;
            if (keyStore != null) {
                keys = new KeyManager[] {new ReloadingStores.Keys(Path.of(keyStore), () -> keyManager(config, keyStore))};
            }
            try {
                SSLContext ctx = SSLContext.getInstance(protocol != null ? protocol : "TLS");
                ctx.init(keys, trust, null);
                builder.sslContext(ctx);
            } catch (Exception e) {
                throw new ConfigException(AvroConverterConfig.SSL_PROTOCOL + "=" + protocol + " cannot be used: " + e.getMessage());
            }
        }
        if (protocols != null || ciphers != null) {
            SSLParameters params = new SSLParameters();
            if (protocols != null && !protocols.isEmpty()) {
                params.setProtocols(protocols.toArray(String[]::new));
            }
            if (ciphers != null && !ciphers.isEmpty()) {
                params.setCipherSuites(ciphers.toArray(String[]::new));
            }
            params.setEndpointIdentificationAlgorithm("HTTPS");
            builder.sslParameters(params);
        }
    }

    private static X509ExtendedTrustManager trustManager(AvroConverterConfig config, String trustStore) {
        KeyStore ks = load(trustStore, config.getPassword(AvroConverterConfig.SSL_TRUSTSTORE_PASSWORD),
                config.getString(AvroConverterConfig.SSL_TRUSTSTORE_TYPE), AvroConverterConfig.SSL_TRUSTSTORE_LOCATION);
        String algorithm = blankToNull(config.getString(AvroConverterConfig.SSL_TRUSTMANAGER_ALGORITHM));
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(
                    algorithm != null ? algorithm : TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new ConfigException(AvroConverterConfig.SSL_TRUSTMANAGER_ALGORITHM + ": no X.509 trust manager");
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException(AvroConverterConfig.SSL_TRUSTMANAGER_ALGORITHM + ": " + e.getMessage());
        }
    }

    private static X509ExtendedKeyManager keyManager(AvroConverterConfig config, String keyStore) {
        Password storePassword = config.getPassword(AvroConverterConfig.SSL_KEYSTORE_PASSWORD);
        Password keyPassword = config.getPassword(AvroConverterConfig.SSL_KEY_PASSWORD);
        KeyStore ks = load(keyStore, storePassword, config.getString(AvroConverterConfig.SSL_KEYSTORE_TYPE),
                AvroConverterConfig.SSL_KEYSTORE_LOCATION);
        String algorithm = blankToNull(config.getString(AvroConverterConfig.SSL_KEYMANAGER_ALGORITHM));
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(
                    algorithm != null ? algorithm : KeyManagerFactory.getDefaultAlgorithm());
            Password p = keyPassword != null ? keyPassword : storePassword;
            kmf.init(ks, p == null ? new char[0] : p.value().toCharArray());
            for (KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x) {
                    return x;
                }
            }
            throw new ConfigException(AvroConverterConfig.SSL_KEYMANAGER_ALGORITHM + ": no X.509 key manager");
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            // UnrecoverableKeyException and friends never carry the password
            throw new ConfigException("The private key in " + AvroConverterConfig.SSL_KEYSTORE_LOCATION + " "
                    + keyStore + " cannot be read (" + e.getClass().getSimpleName() + "): check "
                    + AvroConverterConfig.SSL_KEY_PASSWORD + " and " + AvroConverterConfig.SSL_KEYMANAGER_ALGORITHM);
        }
    }

    private static KeyStore load(String location, Password password, String type, String key) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore ks = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type);
            ks.load(in, password == null ? null : password.value().toCharArray());
            return ks;
        } catch (Exception e) {
            // the exception text of KeyStore.load never contains the password
            throw new ConfigException(key + " " + location + " cannot be loaded as a " + type + " store: " + e.getMessage());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
