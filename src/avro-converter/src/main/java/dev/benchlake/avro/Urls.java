package dev.benchlake.avro;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place where Benchlake splits URLs that may carry credentials ({@code scheme://user:password@host/...}),
 * removes those credentials before a URL is printed, and decides whether a host is loopback. The converter and the
 * connector print URLs only through {@link #redact(String)}.
 * <p>
 * The user info is everything between {@code ://} and the <em>last</em> {@code @} of the URL. A password often holds
 * characters that RFC 3986 wants percent-encoded ({@code /}, {@code ?}, {@code #}, {@code @}) but that people leave as
 * they are, and {@link URI} then gives no user info at all; taking the last {@code @} errs on the side of hiding too
 * much (a path with an {@code @} in it is hidden too) and never shows a password. User info is decoded as RFC 3986
 * percent-encoding: {@code %2F} is {@code /}, a {@code +} stays a {@code +} (it is not form encoding).
 */
public final class Urls {

    /** A URL split for use: the credential-free URL, the decoded credentials if any, scheme and host. */
    public record Parsed(String withoutUserInfo, Optional<String> userInfo, String scheme, String host, URI uri) {
    }

    private Urls() {
    }

    /** {@code url} without its user info (credentials); anything that is not an absolute URL is returned unchanged. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int start = scheme + 3;
        int at = url.lastIndexOf('@');
        return at >= start ? url.substring(0, start) + url.substring(at + 1) : url;
    }

    /**
     * Splits an absolute http(s) URL into the URL without user info and the decoded user info.
     *
     * @param what the setting the URL comes from, for messages
     * @throws IllegalArgumentException naming {@code what} and the URL without user info, never the user info
     */
    public static Parsed parse(String url, String what) {
        String trimmed = url.trim();
        String clean = redact(trimmed);
        Optional<String> userInfo = Optional.empty();
        int scheme = trimmed.indexOf("://");
        int at = trimmed.lastIndexOf('@');
        if (scheme >= 0 && at >= scheme + 3) {
            String raw = trimmed.substring(scheme + 3, at);
            userInfo = Optional.of(percentDecode(raw, what, clean));
        }
        URI uri;
        try {
            uri = new URI(clean);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(what + " has an invalid URL " + clean + ": " + e.getReason());
        }
        String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(s.equals("http") || s.equals("https"))) {
            throw new IllegalArgumentException(what + " needs http(s)://host[:port][/path] URLs, not " + clean);
        }
        return new Parsed(clean, userInfo, s, uri.getHost(), uri);
    }

    /** RFC 3986 percent-decoding as UTF-8: {@code %XX} is a byte, every other character (a {@code +} too) itself. */
    static String percentDecode(String raw, String what, String cleanUrl) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); ) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    // the position only: the user info is a secret
                    throw new IllegalArgumentException(what + ": the user info of " + cleanUrl
                            + " has a '%' at position " + i + " that is not followed by two hex digits (encode '%' as %25)");
                }
                bytes.write(hi * 16 + lo);
                i += 3;
            } else {
                int cp = raw.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + ": the percent-encoded user info of " + cleanUrl + " is not UTF-8");
        }
    }

    /** Name resolution, replaceable in tests. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /**
     * Whether {@code host} is this machine's loopback interface: an address literal in {@code 127.0.0.0/8} or
     * {@code ::1}, or a name every address of which is loopback. Decided by address, never by the name's spelling:
     * {@code registry.localhost} that a resolver points elsewhere is not loopback; a name that does not resolve is not.
     */
    public static boolean isLoopback(String host) {
        return isLoopback(host, InetAddress::getAllByName);
    }

    static boolean isLoopback(String host, Resolver resolver) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        try {
            InetAddress[] addresses = resolver.resolve(h);
            if (addresses == null || addresses.length == 0) {
                return false;
            }
            for (InetAddress a : addresses) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** The origin (scheme, host, port) of an absolute URI, default ports made explicit. */
    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }
}
