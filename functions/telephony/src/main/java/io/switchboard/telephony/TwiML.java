package io.switchboard.telephony;

/**
 * The TwiML documents this function answers with. Every text and attribute value is XML-escaped, so a greeting or
 * a forwarding address from configuration can never break the document. https://www.twilio.com/docs/voice/twiml
 */
public final class TwiML {

    public static final String CONTENT_TYPE = "text/xml";

    private static final String PROLOG = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    private TwiML() {
    }

    /** Nothing to do: an SMS answered without a reply, or a status callback acknowledged. */
    public static String empty() {
        return PROLOG + "<Response/>";
    }

    /** Ends the call (after the voicemail has been recorded). */
    public static String hangup() {
        return PROLOG + "<Response><Hangup/></Response>";
    }

    /**
     * Connects the caller to an agent: a phone number, or a SIP address ({@code sip:...}) inside {@code <Sip>}.
     * https://www.twilio.com/docs/voice/twiml/dial
     */
    public static String dial(String target) {
        String trimmed = target.trim();
        String noun = trimmed.regionMatches(true, 0, "sip:", 0, 4)
                ? "<Sip>" + escape(trimmed) + "</Sip>"
                : escape(trimmed);
        return PROLOG + "<Response><Dial>" + noun + "</Dial></Response>";
    }

    /**
     * Greets the caller and records a voicemail. Twilio posts the finished recording to {@code recordingCallback}
     * and its transcription to {@code transcriptionCallback}; when the recording ends it requests {@code action},
     * which answers {@link #hangup()}. https://www.twilio.com/docs/voice/twiml/record
     */
    public static String voicemail(String greeting, String action, String recordingCallback,
                                   String transcriptionCallback, int maxLengthSeconds) {
        return PROLOG + "<Response>"
                + "<Say>" + escape(greeting) + "</Say>"
                + "<Record"
                + attribute("action", action)
                + attribute("method", "POST")
                + attribute("maxLength", Integer.toString(maxLengthSeconds))
                + attribute("playBeep", "true")
                + attribute("recordingStatusCallback", recordingCallback)
                + attribute("recordingStatusCallbackMethod", "POST")
                + attribute("recordingStatusCallbackEvent", "completed")
                + attribute("transcribe", "true")
                + attribute("transcribeCallback", transcriptionCallback)
                + "/>"
                + "<Hangup/>"
                + "</Response>";
    }

    private static String attribute(String name, String value) {
        return " " + name + "=\"" + escape(value) + "\"";
    }

    /** Escapes XML markup characters and drops characters XML 1.0 does not allow. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    boolean allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
                    if (allowed) {
                        out.appendCodePoint(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
