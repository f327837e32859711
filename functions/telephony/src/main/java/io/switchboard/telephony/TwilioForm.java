package io.switchboard.telephony;

import io.switchboard.core.http.UrlEncodedForm;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import io.switchboard.core.model.RejectedInputException;
import java.util.ArrayList;
import java.util.List;
import io.switchboard.core.http.FormValues;
import java.util.Optional;

/**
 * An {@code application/x-www-form-urlencoded} body as Twilio posts it: name/value pairs in body order, UTF-8,
 * a name may repeat; a byte that is not UTF-8 is refused (400), never replaced. Decoding is the only parsing done
 * before the signature is checked (the signature covers the decoded parameters).
 */
public final class TwilioForm implements FormValues {

    /** One decoded parameter. */
    public record Param(String name, String value) {
    }

    private final List<Param> params;

    private TwilioForm(List<Param> params) {
        this.params = List.copyOf(params);
    }

    public static TwilioForm of(List<Param> params) {
        return new TwilioForm(params);
    }

    /**
     * The form of a request, decoded by the charset its Content-Type declares (UTF-8, Twilio's, when none).
     *
     * @throws WebhookException 400 when the body is not a well-formed form encoding (a bad %-escape, a pair
     *                          without a name) or not valid text in its charset (a byte that is no UTF-8), or the
     *                          charset is unknown: a decoding fault, never a bad signature
     */
    public static TwilioForm parse(WebhookRequest request) {
        return parse(request.body(), request.charset());
    }

    /**
     * A UTF-8 form body.
     *
     * @throws WebhookException 400 as {@link #parse(WebhookRequest)}
     */
    public static TwilioForm parse(byte[] body) {
        return parse(body, StandardCharsets.UTF_8);
    }

    private static TwilioForm parse(byte[] body, Charset charset) {
        List<Param> params = new ArrayList<>();
        // Strict: the signature covers the decoded values, so a replaced character would fail it as if forged.
        UrlEncodedForm.parseStrict(body, charset)
                .forEach(pair -> params.add(new Param(pair.getKey(), pair.getValue())));
        return new TwilioForm(params);
    }

    public List<Param> params() {
        return params;
    }

    /** The first value of a parameter; empty when absent or blank. */
    @Override
    public Optional<String> get(String name) {
        for (Param param : params) {
            if (param.name().equals(name)) {
                return param.value().isBlank() ? Optional.empty() : Optional.of(param.value());
            }
        }
        return Optional.empty();
    }


    /**
     * @throws RejectedInputException naming the parameter when it is absent or blank
     */
    public String require(String name) {
        return requireAny(name);
    }

    /**
     * The first non-blank value among several names.
     *
     * @throws RejectedInputException naming the first name when none is present
     */
    public String requireAny(String... names) {
        return first(names).orElseThrow(() -> new RejectedInputException("missing parameter " + names[0]));
    }

    public boolean has(String name) {
        return get(name).isPresent();
    }
}
