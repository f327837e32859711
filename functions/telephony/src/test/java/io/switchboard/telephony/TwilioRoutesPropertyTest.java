package io.switchboard.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Identity;
import io.switchboard.core.testing.HostileInput;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Property of every Twilio route: whatever correctly signed form arrives (random, missing, duplicated and hostile
 * parameter values), the answer is 2xx or 4xx, never 5xx (nor an unchecked exception, which Lambda turns into
 * one), and a 4xx wrote nothing. Forms come from {@link HostileInput}'s fixed seeds, so a failure names the route
 * and seed that reproduce it; one handler over in-memory fakes serves every case, so the whole run takes seconds.
 */
class TwilioRoutesPropertyTest {

    static final int FORMS_PER_ROUTE = 300;
    /** The "now" generated provider times are spread around (a fixed instant, not the clock). */
    static final long GENERATION_EPOCH_SECONDS = 1_795_000_000L;
    static final String ACCOUNT = "AC3f2b8c9d0e1f4a5b6c7d8e9f0a1b2c3d";

    private static TwilioHarness twilio;

    @BeforeAll
    static void startHandler() {
        twilio = new TwilioHarness();
    }

    @AfterAll
    static void closeHandler() {
        twilio.close();
    }

    @TestFactory
    Stream<DynamicContainer> everySignedForm_isAnswered2xxOr4xx_andA4xxWritesNothing() {
        return routes().stream().map(route -> {
            int[] outcomes = new int[2]; // accepted, refused
            Stream<DynamicTest> cases = HostileInput.seeds(FORMS_PER_ROUTE).map(seed -> dynamicTest(
                    "seed 0x" + Long.toHexString(seed), () -> check(route, seed, outcomes)));
            DynamicTest bothOutcomes = dynamicTest("the forms were both accepted and refused", () -> {
                assertTrue(outcomes[0] >= FORMS_PER_ROUTE / 10, route.path + ": only " + outcomes[0] + " accepted");
                assertTrue(outcomes[1] >= FORMS_PER_ROUTE / 10, route.path + ": only " + outcomes[1] + " refused");
            });
            return dynamicContainer(route.path, Stream.concat(cases, Stream.of(bothOutcomes)));
        });
    }

    private static void check(Route route, long seed, int[] outcomes) {
        Generator generate = new Generator(new HostileInput(seed ^ route.path.hashCode()));
        List<TwilioForm.Param> params = generate.form(route.form);
        String rawQuery = route.customerQuery ? generate.customerQuery() : "";
        byte[] body = generate.mangle(encode(params));
        String pathAndQuery = route.path + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
        String signature;
        try {
            signature = TwilioHarness.sign(pathAndQuery, TwilioForm.parse(body));
        } catch (WebhookException malformedForm) {
            signature = "not signable"; // refused before the signature is read
        }
        String where = route.path + " seed 0x" + Long.toHexString(seed);
        String request = "\n  form:  " + printable(new String(body, StandardCharsets.UTF_8))
                + (rawQuery.isEmpty() ? "" : "\n  query: " + printable(rawQuery));

        Snapshot before = Snapshot.of(twilio);
        int resolvedBefore = twilio.directory.resolved().size();
        APIGatewayV2HTTPResponse response;
        try {
            response = twilio.send(route.path, rawQuery, body, signature);
        } catch (RuntimeException unchecked) {
            throw new AssertionError(where + ": unchecked exception (a 5xx on Lambda): " + unchecked + request,
                    unchecked);
        }
        int status = response.getStatusCode();
        String answer = status + " " + printable(String.valueOf(response.getBody()));
        if (status >= 400 && status < 500) {
            outcomes[1]++;
            assertEquals(before, Snapshot.of(twilio), where + ": refused (" + answer + ") but wrote" + request);
            assertNotEquals(403, status, where + ": a correctly signed form was refused as forged: " + answer + request);
            String reason = response.getBody();
            assertTrue(reason != null && !reason.isBlank() && reason.length() <= 200,
                    where + ": a refusal needs a short reason, got " + answer + request);
        } else if (status >= 200 && status < 300) {
            outcomes[0]++;
            try {
                assertEquals("Response",
                        TwilioWebhookHandlerTest.xml(response.getBody()).getDocumentElement().getTagName());
            } catch (Exception notXml) {
                fail(where + ": answered with TwiML that is not well-formed: " + answer + request, notXml);
            }
            for (Identity identity : twilio.directory.resolved().subList(resolvedBefore,
                    twilio.directory.resolved().size())) {
                assertTrue(storable(identity), where + ": stored a customer under an identity the store or the "
                        + "event schema cannot take: " + printable(identity.key()) + request);
            }
            Set<ConversationEntry> written = new HashSet<>(Snapshot.of(twilio).entries());
            written.removeAll(before.entries());
            for (ConversationEntry entry : written) {
                assertTrue(TWILIO_SOURCE.matcher(entry.source()).matches()
                                && TWILIO_SID.matcher(entry.providerMessageId()).matches(),
                        where + ": stored an entry whose source or id is no Twilio account or sid: "
                                + printable(entry.source()) + " " + printable(entry.providerMessageId()) + request);
            }
        } else {
            fail(where + ": answered " + answer + ", neither 2xx nor 4xx" + request);
        }
    }

    /** The event source of a Twilio account, and a Twilio sid: what a 2xx may store. */
    static final Pattern TWILIO_SOURCE = Pattern.compile("/twilio/[A-Za-z0-9]{1,64}");
    static final Pattern TWILIO_SID = Pattern.compile("[A-Za-z0-9]{1,64}");

    /**
     * An identity key of a telephony type, within the core's key limit (1024 UTF-8 bytes; DynamoDB's partition key
     * takes 2048), without controls, line breaks or unpaired surrogates (the event schema's identity pattern
     * {@code ^[a-z-]+:.+$} matches no line break; SQS takes no controls).
     */
    static boolean storable(Identity identity) {
        String key = identity.key();
        if (!Set.of("phone", "sip", "client", "anonymous", "sms-sender").contains(identity.type())
                || key.getBytes(StandardCharsets.UTF_8).length > 1024) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < key.length()
                    && Character.isLowSurrogate(key.charAt(i + 1));
            if (pairedSurrogate) {
                i++;
            } else if (Character.isISOControl(c) || Character.isSurrogate(c) || c == 0x2028 || c == 0x2029) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ the routes and their forms

    record Route(String path, boolean customerQuery, Consumer<Generator> form) {
    }

    static List<Route> routes() {
        return List.of(
                new Route(TwilioWebhookHandler.VOICE, false, form -> {
                    callParameters(form);
                    form.put("CallerName", form::text);
                    form.put("StirVerstat", () -> form.oneOf("TN-Validation-Passed-A", "TN-Validation-Failed"));
                    if (form.h.chance(10)) { // the <Record> action
                        form.put("RecordingUrl", form::url);
                        form.put("RecordingDuration", form::seconds);
                    }
                }),
                new Route(TwilioWebhookHandler.VOICE_STATUS, false, form -> {
                    callParameters(form);
                    form.put("CallDuration", form::seconds);
                    form.put("Timestamp", form::time);
                    form.put("SipResponseCode", () -> form.h.digits(3));
                    form.put("ErrorCode", () -> form.h.digits(5));
                    form.put("ErrorMessage", form::text);
                    form.put("SequenceNumber", () -> form.h.digits(2));
                }),
                new Route(TwilioWebhookHandler.VOICE_RECORDING, true, form -> {
                    form.put("AccountSid", () -> form.sid("AC"));
                    form.put("CallSid", () -> form.sid("CA"));
                    form.put("RecordingSid", () -> form.sid("RE"));
                    form.put("RecordingUrl", form::url);
                    form.put("RecordingStatus", () -> form.oneOf("completed", "absent", "failed", "in-progress",
                            "COMPLETED"));
                    form.put("RecordingDuration", form::seconds);
                    form.put("RecordingStartTime", form::time);
                    form.put("RecordingChannels", () -> form.h.digits(1));
                    form.put("RecordingSource", () -> form.oneOf("RecordVerb", "DialVerb"));
                    if (form.h.chance(30)) {
                        form.put("From", form::caller);
                    }
                }),
                new Route(TwilioWebhookHandler.VOICE_TRANSCRIPTION, true, form -> {
                    callParameters(form);
                    form.put("RecordingSid", () -> form.sid("RE"));
                    form.put("RecordingUrl", form::url);
                    form.put("TranscriptionSid", () -> form.sid("TR"));
                    form.put("TranscriptionStatus", () -> form.oneOf("completed", "failed", "Completed"));
                    form.put("TranscriptionText", form::text);
                    form.put("TranscriptionType", () -> "fast");
                }),
                new Route(TwilioWebhookHandler.SMS, false, form -> {
                    form.put("AccountSid", () -> form.sid("AC"));
                    form.put("MessageSid", () -> form.sid(form.oneOf("SM", "MM")));
                    form.put("SmsMessageSid", () -> form.sid("SM"));
                    form.put("From", () -> form.h.chance(20) ? "whatsapp:" + form.phone() : form.phone());
                    form.put("To", form::phone);
                    form.put("Body", form::text);
                    form.put("ProfileName", form::text);
                    form.put("OriginalRepliedMessageSid", () -> form.sid("SM"));
                    media(form);
                    if (form.h.chance(10)) {
                        form.put("Latitude", () -> form.h.digits(2) + "." + form.h.digits(6));
                        form.put("Longitude", () -> "-" + form.h.digits(3) + "." + form.h.digits(6));
                    }
                }),
                new Route(TwilioWebhookHandler.SMS_STATUS, false, form -> {
                    form.put("AccountSid", () -> form.sid("AC"));
                    form.put("MessageSid", () -> form.sid("SM"));
                    form.put("SmsSid", () -> form.sid("SM"));
                    form.put("MessageStatus", () -> form.oneOf("queued", "sent", "delivered", "read", "undelivered",
                            "failed", "received", "canceled", "partially_delivered", "DELIVERED"));
                    form.put("To", () -> form.h.chance(20) ? "whatsapp:" + form.phone() : form.phone());
                    form.put("From", form::phone);
                    form.put("ErrorCode", () -> form.h.digits(5));
                    form.put("ErrorMessage", form::text);
                }));
    }

    private static void callParameters(Generator form) {
        form.put("AccountSid", () -> form.sid("AC"));
        form.put("CallSid", () -> form.sid("CA"));
        form.put("From", form::caller);
        form.put("To", () -> form.h.chance(80) ? form.phone() : form.caller());
        form.put("Direction", () -> form.oneOf("inbound", "outbound-api", "outbound-dial"));
        form.put("CallStatus", () -> form.oneOf("queued", "initiated", "ringing", "in-progress", "completed", "busy",
                "no-answer", "failed", "canceled", "Ringing"));
        form.put("ParentCallSid", () -> form.sid("CA"));
        form.put("FromCountry", () -> form.oneOf("US", "FR", ""));
    }

    private static void media(Generator form) {
        int count = form.h.random().nextInt(13) - 1; // -1 .. 11: around Twilio's 0..10
        form.put("NumMedia", () -> form.h.chance(85) ? Integer.toString(count) : form.h.digits(4));
        for (int i = 0; i < Math.max(0, count); i++) {
            int index = i;
            form.put("MediaUrl" + index, form::url);
            form.put("MediaContentType" + index, () -> form.oneOf("image/jpeg", "application/pdf", "text/vcard",
                    "audio/ogg"));
        }
    }

    // ------------------------------------------------------------------ generation

    /**
     * Builds one form: each parameter is usually a plausible value, sometimes a hostile one, sometimes missing,
     * blank or repeated; sometimes parameters no route knows are added, and the order is shuffled.
     */
    static final class Generator {

        private static final List<String> WITHHELD = List.of("Anonymous", "anonymous", "RESTRICTED", "Unavailable",
                "+266696687", "+86282452253", "+7378742833", "+2562533", "+8656696", "+464");

        final HostileInput h;
        private final List<TwilioForm.Param> params = new ArrayList<>();

        Generator(HostileInput h) {
            this.h = h;
        }

        List<TwilioForm.Param> form(Consumer<Generator> route) {
            route.accept(this);
            if (h.chance(15)) {
                for (int i = 0, extra = 1 + h.random().nextInt(3); i < extra; i++) {
                    params.add(new TwilioForm.Param(h.text(24), h.text(200)));
                }
            }
            if (h.chance(50)) {
                Collections.shuffle(params, h.random());
            }
            return params;
        }

        void put(String name, Supplier<String> value) {
            int roll = h.random().nextInt(100);
            if (roll < 7) {
                return; // missing
            }
            if (roll < 9) {
                params.add(new TwilioForm.Param(name, h.oneOf(List.of("", " "))));
                return;
            }
            params.add(new TwilioForm.Param(name, roll < 17 ? hostile() : value.get()));
            if (roll >= 94) {
                params.add(new TwilioForm.Param(name, h.chance(50) ? value.get() : hostile())); // repeated
            }
        }

        String hostile() {
            return switch (h.random().nextInt(5)) {
                case 0 -> h.digits(16);
                case 1 -> "+" + h.digits(12);
                default -> h.text(h.chance(10) ? 5000 : 300);
            };
        }

        String oneOf(String... options) {
            return h.oneOf(List.of(options));
        }

        /** A Twilio sid: mostly well-formed, often one of a few (so statuses meet their calls), sometimes not. */
        String sid(String prefix) {
            int roll = h.random().nextInt(100);
            if (roll < 40) {
                return prefix + "0000000000000000000000000000000" + h.random().nextInt(8);
            }
            if (roll < 90) {
                return prefix + hex(32);
            }
            return oneOf(prefix + hex(32) + " ", prefix + "-" + hex(8), prefix + hex(200), prefix + "\u00e9" + hex(4));
        }

        String phone() {
            return h.chance(90) ? "+1415555" + String.format("%04d", h.random().nextInt(10_000)) : hostile();
        }

        /** Who calls: a phone number, a withheld caller ID, a SIP address, a Voice SDK client, or anything. */
        String caller() {
            return switch (h.random().nextInt(8)) {
                case 0, 1, 2 -> phone();
                case 3 -> h.oneOf(WITHHELD);
                case 4 -> "sip:" + oneOf("Alice", "bob", "+14155550100") + "@" + oneOf("PBX.example.com",
                        "example.sip.us1.twilio.com:5061") + oneOf("", ";transport=tls", "?X-Ticket=1");
                case 5 -> "client:" + (h.chance(70) ? oneOf("Ada_Lovelace", "agent7") : h.text(300));
                case 6 -> oneOf("sip:", "sip:" + h.text(300), "client:", "<sip:alice@example.com>", "Private");
                default -> hostile();
            };
        }

        String url() {
            return h.chance(90)
                    ? "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/RE" + hex(32)
                    + oneOf("", ".mp3")
                    : h.text(h.chance(20) ? 5000 : 200);
        }

        String seconds() {
            return switch (h.random().nextInt(6)) {
                case 0 -> "-" + h.digits(3);
                case 1 -> h.digits(12);
                case 2 -> "2147483648";
                default -> Integer.toString(h.random().nextInt(3600));
            };
        }

        /** An RFC 2822 time as Twilio writes them, at hostile epoch seconds; raw digits when not printable so. */
        String time() {
            long seconds = h.epochSeconds(GENERATION_EPOCH_SECONDS);
            try {
                return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(seconds)
                        .atOffset(ZoneOffset.UTC));
            } catch (DateTimeException notPrintable) {
                return Long.toString(seconds);
            }
        }

        String text() {
            return h.text(h.chance(5) ? 20_000 : 1500);
        }

        /** The customer query of a voicemail callback URL, raw (as Twilio calls it back); empty for none. */
        String customerQuery() {
            String customer = switch (h.random().nextInt(7)) {
                case 0 -> null;
                case 1 -> "+1415555" + String.format("%04d", h.random().nextInt(10_000));
                case 2 -> "anonymous:" + sid("CA");
                case 3 -> "sip:alice@pbx.example.com";
                case 4 -> "client:Ada_Lovelace";
                default -> h.chance(50) ? hostile() : "";
            };
            return customer == null ? "" : "customer=" + URLEncoder.encode(customer, StandardCharsets.UTF_8);
        }

        /** Now and then a raw encoding Twilio never sends: a stray or bad %-escape, invalid UTF-8, a nameless pair. */
        byte[] mangle(byte[] body) {
            if (!h.chance(6)) {
                return body;
            }
            String text = new String(body, StandardCharsets.US_ASCII);
            int at = text.isEmpty() ? 0 : h.random().nextInt(text.length() + 1);
            String junk = oneOf("%", "%G1", "%C3%28", "%ED%A0%BD", "%FF%FE", "&&", "&=x", "=", "+%2", "%00");
            return (text.substring(0, at) + junk + text.substring(at)).getBytes(StandardCharsets.US_ASCII);
        }

        private String hex(int length) {
            StringBuilder hex = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                hex.append(Character.forDigit(h.random().nextInt(16), 16));
            }
            return hex.toString();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** What the fakes hold: customers and every entry of every customer. */
    record Snapshot(int customers, Set<ConversationEntry> entries) {
        static Snapshot of(TwilioHarness twilio) {
            return new Snapshot(twilio.directory.customerCount(), new HashSet<>(twilio.log.all()));
        }
    }

    private static byte[] encode(List<TwilioForm.Param> params) {
        StringBuilder body = new StringBuilder();
        for (TwilioForm.Param param : params) {
            body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(param.name(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(param.value(), StandardCharsets.UTF_8));
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** For failure messages: controls and surrogates escaped, at most 600 characters of the text. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        int shown = Math.min(text.length(), 600);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7F || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : c);
        }
        return shown < text.length() ? out + "...(" + text.length() + " chars)" : out.toString();
    }
}
