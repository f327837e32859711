package io.switchboard.core.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC over raw bytes, and comparison in constant time (so timing does not leak how much matched). */
public final class Hmac {

    public static final String SHA256 = "HmacSHA256";
    public static final String SHA1 = "HmacSHA1";

    private Hmac() {
    }

    public static byte[] sign(String algorithm, String key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(algorithm + " is unavailable", e);
        }
    }

    /** Constant-time comparison; false for null on either side. */
    public static boolean equal(byte[] expected, byte[] actual) {
        return expected != null && actual != null && MessageDigest.isEqual(expected, actual);
    }
}
