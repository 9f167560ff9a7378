package dev.flowstage.storage.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads and writes {@code flows_cred.json} exactly as Node-RED's runtime does
 * ({@code @node-red/runtime/lib/nodes/credentials.js}): the plaintext is the JSON of
 * {@code {nodeId: {field: value}}}, encrypted with aes-256-ctr under key = sha256(credentialSecret)
 * and a random 16-byte IV, stored as {@code {"$": hex(iv) + base64(ciphertext)}}. A file that is an
 * object but not of that one-property shape is plain (unencrypted) credentials, as Node-RED reads it
 * when {@code credentialSecret} is {@code false}.
 */
public final class NodeRedCredentials {
    private static final String FILE = SnapshotFiles.CREDENTIALS;
    private static final int IV_HEX_LENGTH = 32;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeRedCredentials() {}

    /** Whether the file is Node-RED encrypted credentials: an object whose only property is a string "$". */
    public static boolean isEncrypted(byte[] file) {
        ObjectNode root = parseObject(file);
        return encryptedValue(root) != null;
    }

    /** Whether a "$" value has Node-RED's shape: 32 hex digits of IV, then base64 text. */
    public static boolean looksEncrypted(String dollar) {
        if (dollar.length() < IV_HEX_LENGTH) {
            return false;
        }
        for (int i = 0; i < IV_HEX_LENGTH; i++) {
            if (Character.digit(dollar.charAt(i), 16) < 0) {
                return false;
            }
        }
        for (int i = IV_HEX_LENGTH; i < dollar.length(); i++) {
            char c = dollar.charAt(i);
            boolean base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '=' || Character.isWhitespace(c);
            if (!base64) {
                return false;
            }
        }
        return true;
    }

    /**
     * The plaintext credentials of {@code file}: decrypted when it is encrypted, as they are when it is plain.
     *
     * @param secret the credentialSecret, or null when none is known
     * @throws CredentialsException NO_SECRET when the file is encrypted and {@code secret} is null,
     *     WRONG_SECRET or MALFORMED as {@link #decrypt}
     */
    public static ObjectNode read(byte[] file, String secret) {
        ObjectNode root = parseObject(file);
        String dollar = encryptedValue(root);
        if (dollar == null) {
            return root;
        }
        if (secret == null) {
            throw new CredentialsException(CredentialsException.Reason.NO_SECRET,
                    FILE + " is encrypted, but no credential secret is known to decrypt it");
        }
        return decryptValue(dollar, secret);
    }

    /**
     * Decrypts an encrypted {@code flows_cred.json}.
     *
     * @throws CredentialsException WRONG_SECRET when the result is not a JSON object (Node-RED's own
     *     test for a wrong secret), MALFORMED when the file is not encrypted credentials
     */
    public static ObjectNode decrypt(byte[] file, String secret) {
        String dollar = encryptedValue(parseObject(file));
        if (dollar == null) {
            throw new CredentialsException(CredentialsException.Reason.MALFORMED,
                    FILE + " is not encrypted: expected an object with the one property \"$\"");
        }
        return decryptValue(dollar, secret);
    }

    /** Encrypts {@code credentials} ({nodeId: {field: value}}) into the bytes of a {@code flows_cred.json}. */
    public static byte[] encrypt(ObjectNode credentials, String secret) {
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        try {
            byte[] plain = JSON.writeValueAsBytes(credentials);
            byte[] cipherText = cipher(Cipher.ENCRYPT_MODE, secret, iv).doFinal(plain);
            ObjectNode file = JSON.createObjectNode();
            file.put("$", HexFormat.of().formatHex(iv) + Base64.getEncoder().encodeToString(cipherText));
            return JSON.writeValueAsBytes(file);
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException("encrypting " + FILE, e);
        }
    }

    /** The file re-encrypted for {@code to}; a plain file is encrypted; {@code from} may be null for a plain file. */
    public static byte[] reencrypt(byte[] file, String from, String to) {
        return encrypt(read(file, from), to);
    }

    private static ObjectNode decryptValue(String dollar, String secret) {
        if (!looksEncrypted(dollar)) {
            throw new CredentialsException(CredentialsException.Reason.MALFORMED,
                    FILE + ": \"$\" is not 32 hex digits of IV followed by base64");
        }
        byte[] iv = HexFormat.of().parseHex(dollar, 0, IV_HEX_LENGTH);
        byte[] cipherText;
        try {
            cipherText = Base64.getDecoder().decode(dollar.substring(IV_HEX_LENGTH).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new CredentialsException(CredentialsException.Reason.MALFORMED,
                    FILE + ": \"$\" does not hold valid base64 after the IV");
        }
        byte[] plain;
        try {
            plain = cipher(Cipher.DECRYPT_MODE, secret, iv).doFinal(cipherText);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("decrypting " + FILE, e);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain)).toString();
            JsonNode node = JSON.readTree(text);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (CharacterCodingException | JsonProcessingException e) {
            // falls through: CTR decryption with the wrong key yields noise, never an error
        }
        throw new CredentialsException(CredentialsException.Reason.WRONG_SECRET,
                FILE + " cannot be decrypted with this credential secret (the result is not JSON): "
                        + "it was encrypted with a different secret");
    }

    private static Cipher cipher(int mode, String secret, byte[] iv) throws GeneralSecurityException {
        byte[] key = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        return cipher;
    }

    private static ObjectNode parseObject(byte[] file) {
        try {
            JsonNode node = JSON.readTree(file);
            if (node instanceof ObjectNode object) {
                return object;
            }
            String found = node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase();
            throw new CredentialsException(CredentialsException.Reason.MALFORMED,
                    FILE + " must be a JSON object, found " + found);
        } catch (IOException e) {
            throw new CredentialsException(CredentialsException.Reason.MALFORMED, FILE + " is not valid JSON");
        }
    }

    /** The "$" string when {@code root} is Node-RED's encrypted shape, else null. */
    private static String encryptedValue(ObjectNode root) {
        JsonNode dollar = root.get("$");
        return root.size() == 1 && dollar != null && dollar.isTextual() ? dollar.textValue() : null;
    }
}
