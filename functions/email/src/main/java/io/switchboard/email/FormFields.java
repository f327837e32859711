package io.switchboard.email;

import io.switchboard.core.http.UrlEncodedForm;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.model.RejectedInputException;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import io.switchboard.core.http.FormValues;
import java.util.Optional;

/**
 * A form post as Mailgun and SendGrid send it: {@code application/x-www-form-urlencoded}, or
 * {@code multipart/form-data} (RFC 7578), which is read with Jakarta Mail's MIME multipart parser over the body
 * and the request's Content-Type (its boundary). File fields keep their name, type and size only.
 */
public final class FormFields implements FormValues {

    /**
     * One field. For a file, {@code filename} is set and {@code bytes} hold the content only while the request is
     * handled (they are measured, never stored).
     */
    public record Field(String name, byte[] bytes, String filename, String contentType, String contentId) {

        /** The value decoded in the field's declared charset, else UTF-8. */
        public String value() {
            return value(MimeEmailParser.charset(contentType));
        }

        public String value(Charset charset) {
            return new String(bytes, charset);
        }

        public boolean isFile() {
            return filename != null;
        }
    }

    /**
     * More fields than this are refused: providers post a few dozen (plus one per attachment), and Jakarta Mail
     * parses every part of a body at once.
     */
    public static final int MAX_FIELDS = 1000;

    private final List<Field> fields;

    private FormFields(List<Field> fields) {
        this.fields = List.copyOf(fields);
    }

    /**
     * @throws RejectedInputException (400) for a broken body
     * @throws WebhookException        415 for a content type that is no form
     */
    public static FormFields parse(byte[] body, String contentType) {
        String base = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).trim();
        if (base.startsWith("multipart/form-data")) {
            return multipart(body, contentType);
        }
        if (base.isEmpty() || base.startsWith("application/x-www-form-urlencoded")) {
            return urlencoded(body);
        }
        throw new WebhookException(415, "expected application/x-www-form-urlencoded or multipart/form-data");
    }

    static FormFields urlencoded(byte[] body) {
        List<Field> fields = new ArrayList<>();
        UrlEncodedForm.parse(body).forEach(pair -> fields.add(new Field(pair.getKey(),
                pair.getValue().getBytes(StandardCharsets.UTF_8), null, "text/plain; charset=UTF-8", null)));
        return new FormFields(fields);
    }

    static FormFields multipart(byte[] body, String contentType) {
        List<Field> fields = new ArrayList<>();
        try {
            String boundary = new ContentType(contentType).getParameter("boundary");
            if (boundary != null && LenientMime.delimiterOffset(body, boundary, MAX_FIELDS + 1) >= 0) {
                throw new RejectedInputException("form with more than " + MAX_FIELDS + " fields");
            }
            MimeMultipart multipart = new MimeMultipart(new ByteArrayDataSource(body, contentType));
            int count = multipart.getCount();
            for (int i = 0; i < count; i++) {
                BodyPart part = multipart.getBodyPart(i);
                String[] disposition = part.getHeader("Content-Disposition");
                if (disposition == null || disposition.length == 0) {
                    throw new RejectedInputException("malformed form body: a part without Content-Disposition");
                }
                ContentDisposition parsed = new ContentDisposition(disposition[0]);
                String name = parsed.getParameter("name");
                if (name == null || name.isEmpty()) {
                    throw new RejectedInputException("malformed form body: a part without a name");
                }
                String filename = parsed.getParameter("filename");
                byte[] bytes;
                try (InputStream in = part.getInputStream()) {
                    bytes = in.readAllBytes();
                }
                String[] contentIds = part.getHeader("Content-ID");
                fields.add(new Field(name, bytes, filename == null ? null : MimeUtility.decodeText(filename),
                        part.getContentType(), contentIds == null ? null : contentIds[0]));
            }
        } catch (MessagingException | IOException | RuntimeException malformed) {
            if (malformed instanceof RejectedInputException refused) {
                throw refused;
            }
            throw new RejectedInputException("malformed multipart body");
        }
        return new FormFields(fields);
    }


    public List<Field> all() {
        return fields;
    }

    public Optional<Field> field(String name) {
        return fields.stream().filter(field -> field.name().equals(name)).findFirst();
    }

    /** The first non-blank text value of a field. */
    @Override
    public Optional<String> get(String name) {
        return field(name).filter(field -> !field.isFile()).map(Field::value).filter(value -> !value.isBlank());
    }


    public List<Field> files() {
        return fields.stream().filter(Field::isFile).toList();
    }

    /**
     * SHA-256 (hex) of the form's content, independent of how it was encoded: the decoded fields sorted by name
     * (fields of the same name keep their order, which decides which one counts), each as its name and value;
     * a file as its name, filename, content type, size and SHA-256. The same form posted urlencoded or as
     * multipart/form-data with any boundary has the same fingerprint; any change of a field changes it.
     */
    public String fingerprint() {
        MessageDigest digest = sha256();
        List<Field> sorted = new ArrayList<>(fields);
        sorted.sort(Comparator.comparing(Field::name)); // stable
        for (Field field : sorted) {
            update(digest, field.name().getBytes(StandardCharsets.UTF_8));
            if (field.isFile()) {
                update(digest, new byte[]{'F'});
                update(digest, field.filename().getBytes(StandardCharsets.UTF_8));
                update(digest, (field.contentType() == null ? "" : field.contentType()).getBytes(StandardCharsets.UTF_8));
                update(digest, Long.toString(field.bytes().length).getBytes(StandardCharsets.US_ASCII));
                update(digest, sha256().digest(field.bytes()));
            } else {
                update(digest, new byte[]{'T'});
                update(digest, field.value().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Length-prefixed, so that no two different sequences of fields feed the digest the same bytes. */
    private static void update(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
