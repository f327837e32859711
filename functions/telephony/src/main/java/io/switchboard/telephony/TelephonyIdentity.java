package io.switchboard.telephony;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.InvalidIdentityException;
import io.switchboard.core.model.RejectedInputException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who a Twilio party is, as an identity key. A message's party is a phone number, given as {@code +<E.164>} or, for
 * WhatsApp through Twilio, {@code whatsapp:+<E.164>} ({@link #phone}). Who a call is with is more varied: not every
 * caller has a phone number, and every call is logged, so a call party (Twilio's {@code From} of an inbound call,
 * {@code To} of an outbound one) is:
 * <ul>
 *   <li>{@code phone:+<E.164>}: a phone number (also {@code whatsapp:+...}), the key SMS and WhatsApp share;</li>
 *   <li>{@code sip:<user@host, lower-cased, without URI parameters or headers>}: a caller through a SIP domain
 *       or trunk, whose {@code From} is the INVITE's From header
 *       (https://www.twilio.com/docs/voice/api/sip-twiml);</li>
 *   <li>{@code client:<identity>}: a Voice SDK client, whose identity is at most 256 characters without controls
 *       or spaces (https://www.twilio.com/docs/voice/twiml/client);</li>
 *   <li>{@code anonymous:<CallSid>}: a caller who withheld their number, or whose caller ID is no usable address.
 *       One identity per call: an anonymous caller is not the same person as the next anonymous caller, so the
 *       call, its statuses and its voicemail (all naming the same CallSid) meet on a customer of their own.</li>
 * </ul>
 *
 * <p>A message's sender ({@code From} of an inbound SMS) is a phone number as above, or one that cannot be written
 * back to:
 * <ul>
 *   <li>{@code sms-sender:<ISO country of To>:<sender as given, trimmed>}, e.g. {@code sms-sender:US:898287} or
 *       {@code sms-sender:GB:MyBrand}: a short code (3 to 8 digits without '+'; Twilio gives phone numbers in E.164
 *       with '+') or an alphanumeric sender id (letters, digits and spaces, e.g. a bank's "VERIFY";
 *       https://www.twilio.com/docs/glossary/what-alphanumeric-sender-id,
 *       https://www.twilio.com/docs/glossary/what-is-a-short-code). Both are bound to a country: 12345 in the US
 *       and 12345 in the UK are two senders, so the key carries the country the message was received in (Twilio's
 *       {@code ToCountry}, else the region of the {@code To} number's country code, else {@code ZZ},
 *       libphonenumber's unknown region). Such a sender is one-way: nothing can be sent to it, so the SMS reply route finds none.</li>
 * </ul>
 * What is no sender at all (a blank From, control characters, more than {@value #MAX_ADDRESS_CHARS} characters, a
 * '+' that is no phone number) is refused (400).
 *
 * <p>The recording and transcription callbacks of a voicemail carry the caller in their URL query
 * ({@link TwilioPayloadParser#CUSTOMER_QUERY}); {@link #callbackValue} writes it and {@link #fromCallbackValue}
 * reads it back.
 */
public final class TelephonyIdentity {

    public static final String SIP = "sip";
    public static final String CLIENT = "client";
    public static final String ANONYMOUS = "anonymous";
    /** A short code or alphanumeric sender id that sent an SMS: kept, never replied to. */
    public static final String SMS_SENDER = "sms-sender";

    /** A short code as Twilio gives it: digits without '+' (country short codes are 3 to 8 digits long). */
    private static final Pattern SHORT_CODE = Pattern.compile("[0-9]{3,8}");
    /** An ISO 3166-1 alpha-2 country code, as Twilio's ToCountry gives it. */
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    /** libphonenumber's region of a number it cannot place. */
    static final String UNKNOWN_COUNTRY = "ZZ";

    /**
     * Twilio's prefix of a WhatsApp address in From and To, e.g. {@code whatsapp:+14155550100}
     * (https://www.twilio.com/docs/whatsapp/api#using-phone-numbers-with-whatsapp).
     */
    static final String WHATSAPP_PREFIX = "whatsapp:";

    /** Longest SIP address or client identity kept (Twilio's client identifiers are at most 256 characters). */
    static final int MAX_ADDRESS_CHARS = 256;

    /**
     * What Twilio puts in {@code From} when the caller withheld their number: the carrier's word (ANONYMOUS,
     * RESTRICTED, ...) or, where Twilio translates the word into digits (as it did on {@code <Dial>} legs until
     * https://www.twilio.com/changelog/upcoming-changes-to-withheld-caller-ids-behavior-for-dial-calls), the word
     * spelled on a phone keypad: +266696687 ANONYMOUS, +7378742833 RESTRICTED, +2562533 BLOCKED, +8656696 UNKNOWN,
     * +86282452253 UNAVAILABLE, and +464 for no caller ID at all (Twilio's list:
     * https://help.twilio.com/articles/223179988-Why-am-I-getting-calls-from-these-strange-numbers-). Some of these
     * digits parse as possible phone numbers (+86 282452253), so they are recognised before phone parsing, or every
     * withheld caller would become one customer. Words are compared case-insensitively ("Anonymous" is common).
     */
    static final Set<String> WITHHELD_WORDS = Set.of("anonymous", "restricted", "blocked", "unknown", "unavailable");

    /** The same words on a keypad, and 464 (no caller ID at all); with or without the leading '+'. */
    static final Set<String> WITHHELD_DIGITS = Set.of("266696687", "7378742833", "2562533", "8656696", "86282452253",
            "464");

    /** Twilio's resource ids (CA..., SM..., AC...): 34 letters and digits; tests and samples use shorter ones. */
    private static final Pattern SID = Pattern.compile("[A-Za-z0-9]{1,64}");

    private TelephonyIdentity() {
    }

    /**
     * The identity of a call party: phone, SIP address, Voice SDK client, or (withheld or unusable caller ID) the
     * anonymous caller of this call.
     *
     * @param address Twilio's {@code From} (inbound) or {@code To} (outbound); not blank
     * @param callSid the call's CallSid, already checked with {@link #requireSid}; null when the request has none
     * @throws RejectedInputException when the caller is anonymous and there is no CallSid to tell the call
     */
    public static Identity ofCallParty(String address, String callSid) {
        String text = address.trim();
        String uri = unwrapNameAddr(text);
        if (hasScheme(uri, "sip:") || hasScheme(uri, "sips:")) {
            return sip(uri).orElseGet(() -> anonymousCallerOf(callSid));
        }
        if (hasScheme(text, "client:")) {
            return client(text).orElseGet(() -> anonymousCallerOf(callSid));
        }
        if (isWithheld(text)) {
            return anonymousCallerOf(callSid);
        }
        try {
            return phone(text);
        } catch (InvalidIdentityException notAPhoneNumber) {
            // "Private", "Unknown caller", a truncated number...: the caller is not identifiable, but is logged.
            return anonymousCallerOf(callSid);
        }
    }

    private static Identity anonymousCallerOf(String callSid) {
        if (callSid == null) {
            throw new RejectedInputException("missing parameter CallSid");
        }
        return anonymous(callSid);
    }

    /** The anonymous caller of one call. */
    public static Identity anonymous(String callSid) {
        return new Identity(ANONYMOUS + ":" + callSid);
    }

    /** Whether a caller ID is one of Twilio's words or numbers for a withheld caller ID. */
    public static boolean isWithheld(String address) {
        String text = address.trim();
        if (WITHHELD_WORDS.contains(text.toLowerCase(Locale.ROOT))) {
            return true;
        }
        String digits = text.startsWith("+") ? text.substring(1) : text;
        return WITHHELD_DIGITS.contains(digits);
    }

    /**
     * What the {@link TwilioPayloadParser#CUSTOMER_QUERY} of a voicemail callback URL says about the caller: the
     * number of a phone identity (as it always has), else the whole key.
     */
    public static String callbackValue(Identity identity) {
        return "phone".equals(identity.type()) ? identity.value() : identity.key();
    }

    /**
     * The caller a callback URL names, as {@link #callbackValue} wrote it.
     *
     * @throws InvalidIdentityException (400) when the value is no identity this function writes
     */
    public static Identity fromCallbackValue(String value) {
        String text = value.trim();
        if (hasScheme(text, "sip:") || hasScheme(text, "sips:")) {
            return sip(text).orElseThrow(() -> new InvalidIdentityException("not a SIP address"));
        }
        if (hasScheme(text, "client:")) {
            return client(text).orElseThrow(() -> new InvalidIdentityException("not a client identity"));
        }
        if (hasScheme(text, ANONYMOUS + ":")) {
            String callSid = text.substring(ANONYMOUS.length() + 1);
            if (!SID.matcher(callSid).matches()) {
                throw new InvalidIdentityException("not an anonymous caller");
            }
            return anonymous(callSid);
        }
        return phone(text);
    }

    /**
     * The identity of an SMS sender (Twilio's {@code From} of an inbound message): its phone number (or WhatsApp
     * address), else, for a short code or an alphanumeric sender id, the {@code sms-sender} of the country the
     * message was received in.
     *
     * @param toCountry Twilio's {@code ToCountry}, if given
     * @param to        Twilio's {@code To} (the company's number), if given
     * @throws RejectedInputException (400) when the From is no sender: control characters, too long, a '+' or a
     *                                long run of digits that is no phone number
     */
    public static Identity ofSmsSender(String from, Optional<String> toCountry, Optional<String> to) {
        String sender = from.trim();
        if (isWhatsApp(sender)) {
            return phone(sender);
        }
        if (SHORT_CODE.matcher(sender).matches()) {
            return smsSender(countryOf(toCountry, to), sender);
        }
        try {
            return phone(sender);
        } catch (InvalidIdentityException notAPhoneNumber) {
            if (!isSenderId(sender)) {
                throw new InvalidIdentityException("From is no phone number, short code or sender id");
            }
            return smsSender(countryOf(toCountry, to), sender);
        }
    }

    /** {@code sms-sender:<country>:<sender>}. */
    public static Identity smsSender(String country, String sender) {
        return new Identity(SMS_SENDER + ":" + country.toUpperCase(Locale.ROOT) + ":" + sender);
    }

    /**
     * An alphanumeric sender id: printable, spaces allowed between words, at least one letter (a '+' or a run of
     * digits that is no phone number is a broken number, not a name).
     */
    static boolean isSenderId(String sender) {
        boolean letter = false;
        for (int i = 0; i < sender.length(); i++) {
            letter |= Character.isLetter(sender.charAt(i));
        }
        // Spaces between words are allowed (Twilio's sender ids may hold them); any other blank is not.
        return letter && !sender.startsWith("+") && printable(sender.replace(' ', '_'));
    }

    /** The country an SMS was received in: Twilio's ToCountry, else the region of the To number, else ZZ. */
    private static String countryOf(Optional<String> toCountry, Optional<String> to) {
        Optional<String> given = toCountry.map(String::trim).filter(country -> COUNTRY.matcher(country).matches());
        if (given.isPresent()) {
            return given.get().toUpperCase(Locale.ROOT);
        }
        try {
            PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
            PhoneNumber number = phones.parse(to.orElse("").trim(), UNKNOWN_COUNTRY);
            String region = phones.getRegionCodeForNumber(number);
            // A number libphonenumber does not know as valid (a new range) still has its country code's region.
            return region != null && !region.equals(UNKNOWN_COUNTRY) ? region
                    : phones.getRegionCodeForCountryCode(number.getCountryCode());
        } catch (NumberParseException notANumber) {
            return UNKNOWN_COUNTRY;
        }
    }

    /**
     * The phone identity of a Twilio address: a number, or a WhatsApp address ({@code whatsapp:+...}, the same
     * person as the number, so SMS, WhatsApp and calls meet on one customer).
     *
     * @throws InvalidIdentityException when what remains is not a possible international number
     */
    public static Identity phone(String address) {
        String text = address.trim();
        return Identity.phone(isWhatsApp(text) ? text.substring(WHATSAPP_PREFIX.length()) : text);
    }

    /** Whether a From or To is a WhatsApp address ({@link #WHATSAPP_PREFIX}, in any letter case). */
    public static boolean isWhatsApp(String address) {
        return hasScheme(address, WHATSAPP_PREFIX);
    }

    /**
     * A Twilio resource id parameter.
     *
     * @throws RejectedInputException naming the parameter when it is absent, blank, or not letters and digits
     */
    public static String requireSid(TwilioForm form, String... names) {
        String value = form.requireAny(names).trim();
        if (!isSid(value)) {
            throw new RejectedInputException("malformed parameter " + names[0]);
        }
        return value;
    }

    /**
     * A Twilio resource id parameter that may be absent.
     *
     * @throws RejectedInputException naming the parameter when it is present but not letters and digits
     */
    public static Optional<String> optionalSid(TwilioForm form, String name) {
        return form.has(name) ? Optional.of(requireSid(form, name)) : Optional.empty();
    }

    static boolean isSid(String value) {
        return SID.matcher(value).matches();
    }

    /**
     * {@code sip:user@host} from a SIP URI: scheme sips: becomes sip:, URI parameters (";transport=tls") and
     * headers ("?X-Foo=1") are dropped, and the rest lower-cased. Empty when no usable address remains.
     */
    static Optional<Identity> sip(String uri) {
        String rest = uri.substring(uri.indexOf(':') + 1);
        int headers = rest.indexOf('?');
        if (headers >= 0) {
            rest = rest.substring(0, headers);
        }
        int at = rest.lastIndexOf('@');
        String user = at < 0 ? "" : rest.substring(0, at + 1);
        String host = at < 0 ? rest : rest.substring(at + 1);
        int parameters = host.indexOf(';');
        if (parameters >= 0) {
            host = host.substring(0, parameters);
        }
        String address = (user + host).toLowerCase(Locale.ROOT);
        if (host.isEmpty() || user.equals("@") || !printable(address)) {
            return Optional.empty();
        }
        return Optional.of(new Identity(SIP + ":" + address));
    }

    /** {@code client:<identity>}, the identity as given (case kept). Empty when it is blank or not printable. */
    static Optional<Identity> client(String text) {
        String identity = text.substring(text.indexOf(':') + 1);
        if (identity.isEmpty() || !printable(identity)) {
            return Optional.empty();
        }
        return Optional.of(new Identity(CLIENT + ":" + identity));
    }

    /** The URI inside {@code "Display Name" <sip:...>}, else the text itself. */
    private static String unwrapNameAddr(String text) {
        int open = text.indexOf('<');
        int close = text.lastIndexOf('>');
        return open >= 0 && close > open ? text.substring(open + 1, close).trim() : text;
    }

    private static boolean hasScheme(String text, String scheme) {
        return text.regionMatches(true, 0, scheme, 0, scheme.length());
    }

    /**
     * At most {@link #MAX_ADDRESS_CHARS} characters, none of them a control, a space, an invisible format character,
     * a Unicode noncharacter or an unpaired surrogate: an identity key must be storable, publishable and readable.
     */
    private static boolean printable(String text) {
        if (text.isEmpty() || text.length() > MAX_ADDRESS_CHARS) {
            return false;
        }
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            boolean bad = Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)
                    || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE
                    || Character.getType(c) == Character.FORMAT;
            if (bad) {
                return false;
            }
        }
        return true;
    }
}
