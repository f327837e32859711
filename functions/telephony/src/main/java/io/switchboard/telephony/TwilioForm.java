package io.switchboard.telephony;

import io.switchboard.core.http.UrlEncodedForm;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.model.RejectedInputException;
import java.util.ArrayList;
import java.util.List;
import io.switchboard.core.http.FormValues;
import java.util.Optional;

/**
 * An {@code application/x-www-form-urlencoded} body as Twilio posts it: name/value pairs in body order, UTF-8,
 * a name may repeat. Decoding is the only parsing done before the signature is checked (the signature covers the
 * decoded parameters).
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
     * @throws WebhookException 400 when the body is not a well-formed form encoding (a bad %-escape, a pair
     *                          without a name)
     */
    public static TwilioForm parse(byte[] body) {
        List<Param> params = new ArrayList<>();
        UrlEncodedForm.parse(body).forEach(pair -> params.add(new Param(pair.getKey(), pair.getValue())));
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
