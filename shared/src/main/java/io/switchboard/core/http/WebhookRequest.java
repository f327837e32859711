package io.switchboard.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An API Gateway (HTTP API, payload v2) request with its body decoded to the raw bytes the provider sent:
 * signatures are computed over these bytes, never over re-serialised text.
 *
 * <p>API Gateway hands a body it takes for text (JSON, XML, text/*) to the function as a string, decoded from the
 * bytes it received; anything else comes base64-encoded. A text body is turned back into bytes with the charset its
 * Content-Type declares (UTF-8 when none, or when the text holds characters the declared charset cannot encode),
 * so a body posted as {@code application/json; charset=ISO-8859-1} gets back the exact bytes its sender signed.
 * Decoding the body for parsing is a separate, later step ({@link #utf8Body()}, {@link #charset()}), done only once
 * the signature over these bytes holds: a body that does not decode is a bad request (400), never a bad signature.
 *
 * @param rawQuery the query string as received, without '?' ("" when none): what a provider signed as part of
 *                 the URL (some providers sign the whole URL)
 */
public record WebhookRequest(String method, String path, Map<String, String> headers,
                             Map<String, String> query, String rawQuery, byte[] body) {

    public static WebhookRequest from(APIGatewayV2HTTPEvent event, int maxBodyBytes) {
        String method = event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod() : null;
        if (method == null && event.getRouteKey() != null && event.getRouteKey().contains(" ")) {
            method = event.getRouteKey().substring(0, event.getRouteKey().indexOf(' '));
        }
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        }
        Map<String, String> query = event.getQueryStringParameters() == null
                ? Map.of() : Map.copyOf(event.getQueryStringParameters());
        String rawBody = event.getBody();
        if (rawBody != null && rawBody.length() > maxBodyBytes * 4L / 3 + 4) {
            throw tooLarge(maxBodyBytes);
        }
        byte[] body;
        if (rawBody == null) {
            body = new byte[0];
        } else if (event.getIsBase64Encoded()) {
            try {
                body = Base64.getDecoder().decode(rawBody);
            } catch (IllegalArgumentException e) {
                throw WebhookException.badRequest("body is not valid base64");
            }
        } else {
            body = bytesOfText(rawBody, headers.get("content-type"));
        }
        if (body.length > maxBodyBytes) {
            throw tooLarge(maxBodyBytes);
        }
        return new WebhookRequest(method == null ? "" : method.toUpperCase(Locale.ROOT), event.getRawPath(),
                Map.copyOf(headers), query, event.getRawQueryString() == null ? "" : event.getRawQueryString(), body);
    }

    /**
     * The bytes a gateway decoded a text body from: the text encoded in the declared charset when Java has it and it
     * can encode every character, else in UTF-8 (the charset of a body that declares none, and of JSON).
     */
    private static byte[] bytesOfText(String text, String contentType) {
        Charset declared = declaredCharset(contentType).orElse(StandardCharsets.UTF_8);
        if (!declared.equals(StandardCharsets.UTF_8) && declared.canEncode() && declared.newEncoder().canEncode(text)) {
            return text.getBytes(declared);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code charset} parameter of a Content-Type, when there is one Java knows. */
    private static Optional<Charset> declaredCharset(String contentType) {
        try {
            return charsetName(contentType).map(Charset::forName);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
            return Optional.empty();
        }
    }

    /** The {@code charset} parameter of a Content-Type (quotes removed), if any. */
    private static Optional<String> charsetName(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            if (parameter.regionMatches(true, 0, "charset=", 0, 8)) {
                return Optional.of(parameter.substring(8).replace("\"", "").strip());
            }
        }
        return Optional.empty();
    }

    /**
     * The charset the body is text in: the one its Content-Type declares, UTF-8 when none is declared (JSON is
     * UTF-8, RFC 8259 section 8.1; the providers send UTF-8).
     *
     * @throws WebhookException 400 when the declared charset is one Java does not know
     */
    public Charset charset() {
        Optional<String> name = charsetName(header("content-type").orElse(null));
        if (name.isEmpty()) {
            return StandardCharsets.UTF_8;
        }
        return declaredCharset(header("content-type").orElse(null))
                .orElseThrow(() -> WebhookException.badRequest("unsupported charset in Content-Type"));
    }

    /**
     * The body as text, decoded by {@link #charset()}; a byte sequence that is not valid in it is refused, never
     * replaced (a replaced byte would store a message its sender did not write).
     *
     * @throws WebhookException 400 when the charset is unknown or the body is not valid text in it
     */
    public String text() {
        return decode(body, charset());
    }

    /**
     * The body as UTF-8 bytes, for a parser of UTF-8 text (JSON): the body itself when it is valid UTF-8 and
     * declares no other charset, else its text (decoded by the declared charset) encoded in UTF-8.
     *
     * @throws WebhookException 400 when the charset is unknown or the body is not valid text in it
     */
    public byte[] utf8Body() {
        Charset charset = charset();
        String text = decode(body, charset);
        return charset.equals(StandardCharsets.UTF_8) ? body : text.getBytes(StandardCharsets.UTF_8);
    }

    /** This request with its body in UTF-8 ({@link #utf8Body()}); this same request when it already is. */
    public WebhookRequest withUtf8Body() {
        byte[] utf8 = utf8Body();
        return utf8 == body ? this : new WebhookRequest(method, path, headers, query, rawQuery, utf8);
    }

    /**
     * Bytes decoded strictly: a malformed or unmappable sequence is a 400 naming the charset.
     *
     * @throws WebhookException 400 when the bytes are not valid text in the charset
     */
    public static String decode(byte[] bytes, Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8) && isAscii(bytes)) {
            return new String(bytes, StandardCharsets.US_ASCII); // the common case, without a decoder
        }
        try {
            CharBuffer text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return text.toString();
        } catch (CharacterCodingException notText) {
            throw WebhookException.badRequest("body is not valid " + charset.name() + " text");
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static WebhookException tooLarge(int maxBodyBytes) {
        return new WebhookException(413, "body larger than " + maxBodyBytes + " bytes");
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(query.get(name));
    }
}
