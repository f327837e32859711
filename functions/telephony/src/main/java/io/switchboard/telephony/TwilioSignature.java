package io.switchboard.telephony;

import io.switchboard.core.security.Hmac;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Twilio's request signature: {@code X-Twilio-Signature} = base64(HMAC-SHA1(auth token, the full URL Twilio
 * requested, followed by every POST parameter sorted by name, each name immediately followed by its value)).
 * https://www.twilio.com/docs/usage/security#validating-requests
 *
 * <p>Twilio's own validators accept the URL both with and without the scheme's default port (443/80), because
 * proxies add or drop it; so does {@link #isValid}.
 */
public final class TwilioSignature {

    public static final String HEADER = "X-Twilio-Signature";

    private TwilioSignature() {
    }

    /** The signature Twilio sends for this URL and these parameters. */
    public static String sign(String url, List<TwilioForm.Param> params, String authToken) {
        return Base64.getEncoder().encodeToString(mac(url, params, authToken));
    }

    /**
     * Whether the signature was made with the auth token over this URL (or the same URL with/without its default
     * port) and these parameters. Compared in constant time.
     */
    public static boolean isValid(String signature, String url, TwilioForm form, String authToken) {
        if (signature == null || signature.isBlank()) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        boolean valid = false;
        for (String candidate : urlVariants(url)) {
            // every variant is computed and compared, so the time taken does not tell which one matched
            valid |= Hmac.equal(mac(candidate, form.params(), authToken), presented);
        }
        return valid;
    }

    private static byte[] mac(String url, List<TwilioForm.Param> params, String authToken) {
        List<TwilioForm.Param> sorted = new ArrayList<>(params);
        sorted.sort(Comparator.comparing(TwilioForm.Param::name).thenComparing(TwilioForm.Param::value));
        StringBuilder data = new StringBuilder(url);
        for (TwilioForm.Param param : sorted) {
            data.append(param.name()).append(param.value());
        }
        return Hmac.sign(Hmac.SHA1, authToken, data.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The URL as given, plus the same URL with the default port added (when it has none) or removed (when it has
     * the scheme's default).
     */
    static List<String> urlVariants(String url) {
        List<String> variants = new ArrayList<>();
        variants.add(url);
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            int defaultPort = "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
            if (defaultPort < 0 || uri.getRawAuthority() == null) {
                return variants;
            }
            String authority = uri.getRawAuthority();
            String other;
            if (uri.getPort() == -1) {
                other = authority + ":" + defaultPort;
            } else if (uri.getPort() == defaultPort) {
                other = authority.substring(0, authority.lastIndexOf(':'));
            } else {
                return variants;
            }
            int start = url.indexOf(authority);
            variants.add(url.substring(0, start) + other + url.substring(start + authority.length()));
        } catch (URISyntaxException notAUri) {
            // only the URL as given
        }
        return variants;
    }
}
