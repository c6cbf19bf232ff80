package dev.benchlake.avro;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key and trust managers that read their store file again when it changes (its modification time or size), checked
 * at each TLS handshake: a rotated certificate is used from the next connection on, without a restart. A store that
 * cannot be read (half written, say) leaves the managers as they were, with a warning.
 */
final class ReloadingStores {
    private static final Logger log = LoggerFactory.getLogger(ReloadingStores.class);

    private ReloadingStores() {
    }

    /** The managers of one file, and what the file looked like when they were made. */
    static final class Watched<T> {
        private final Path file;
        private final Supplier<T> loader;
        private T current;
        private FileTime modified;
        private long size;

        Watched(Path file, Supplier<T> loader) {
            this.file = file;
            this.loader = loader;
            this.modified = modified(file);
            this.size = size(file);
            this.current = loader.get();
        }

        synchronized T get() {
            FileTime m = modified(file);
            long s = size(file);
            if (m != null && (!m.equals(modified) || s != size)) {
                try {
                    current = loader.get();
                    log.info("Reloaded {} (changed at {})", file, m);
                } catch (RuntimeException e) {
                    log.warn("{} changed but cannot be loaded ({}); keeping the previous one", file, e.getMessage());
                }
                modified = m;
                size = s;
            }
            return current;
        }

        private static FileTime modified(Path p) {
            try {
                return Files.getLastModifiedTime(p);
            } catch (java.io.IOException e) {
                return null;
            }
        }

        private static long size(Path p) {
            try {
                return Files.size(p);
            } catch (java.io.IOException e) {
                return -1;
            }
        }
    }

    /** A trust manager that follows its trust store file. */
    static final class Trust extends X509ExtendedTrustManager {
        private final Watched<X509ExtendedTrustManager> watched;

        Trust(Path file, Supplier<X509ExtendedTrustManager> loader) {
            this.watched = new Watched<>(file, loader);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            watched.get().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            watched.get().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            watched.get().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            watched.get().checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            watched.get().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            watched.get().checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return watched.get().getAcceptedIssuers();
        }
    }

    /** A key manager that follows its key store file. */
    static final class Keys extends X509ExtendedKeyManager {
        private final Watched<X509ExtendedKeyManager> watched;

        Keys(Path file, Supplier<X509ExtendedKeyManager> loader) {
            this.watched = new Watched<>(file, loader);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return watched.get().getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return watched.get().chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return watched.get().chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return watched.get().getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return watched.get().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return watched.get().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return watched.get().getPrivateKey(alias);
        }
    }
}
