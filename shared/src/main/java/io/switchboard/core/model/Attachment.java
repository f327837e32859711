package io.switchboard.core.model;

/**
 * Media attached to an entry. Bytes are never stored: only what a helpdesk needs to fetch them
 * (provider media id or URL) and to show them.
 *
 * @param type      image, audio, video, document, sticker, file...
 * @param mimeType  as the provider reports it, may be null
 * @param mediaId   provider media id (fetched through the provider's media API), may be null
 * @param url       provider URL, may be null
 * @param filename  may be null
 * @param caption   may be null
 * @param sizeBytes may be null
 */
public record Attachment(String type, String mimeType, String mediaId, String url, String filename,
                         String caption, Long sizeBytes) {

    public static Attachment media(String type, String mimeType, String mediaId, String caption, String filename) {
        return new Attachment(type, mimeType, mediaId, null, filename, caption, null);
    }
}
