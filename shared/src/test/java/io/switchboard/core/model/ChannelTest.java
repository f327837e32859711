package io.switchboard.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel registry: the core's channels and those a module defines, found by wire name; unknown and malformed
 * names refused. Each test defines channels under its own names (the registry is one per JVM).
 */
public class ChannelTest {

    /** A channel module's constant, as a module outside the core defines it. */
    static final class WebchatModule {
        static final Channel WEBCHAT = Channel.define("test-webchat");
    }

    /** Another module of the same channel (its send module, say) defining it too. */
    static final class WebchatSendModule {
        static final Channel WEBCHAT = Channel.define("test-webchat");
    }

    /** A module's class that defines its channel when it initializes; only {@link LazyDescriptor} names it. */
    static final class LazyModule {
        static final Channel LAZY = Channel.define("test-lazy");
    }

    /** The lazy module's descriptor, registered only by {@link #descriptorsOnTheClassPath}'s class loader. */
    public static final class LazyDescriptor implements ChannelDescriptor {

        @Override
        public String name() {
            return "test-lazy";
        }

        @Override
        public Map<String, String> localSecrets() {
            return Map.of();
        }

        @Override
        public List<Channel> channels() {
            return List.of(LazyModule.LAZY);
        }
    }

    @Test
    void theBuiltInChannels_keepTheirWireNamesAndReplyChannels() {
        List<Channel> builtIn = List.of(Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM, Channel.EMAIL,
                Channel.SMS, Channel.VOICE);
        assertEquals(List.of("whatsapp", "messenger", "instagram", "email", "sms", "voice"),
                builtIn.stream().map(Channel::wireName).toList());
        for (Channel channel : builtIn) {
            assertSame(channel, Channel.fromWire(channel.wireName()));
            assertEquals(channel.wireName(), channel.toString());
        }
        assertSame(Channel.SMS, Channel.VOICE.replyChannel());
        assertSame(Channel.SMS, Channel.SMS.replyChannel());
        assertSame(Channel.EMAIL, Channel.EMAIL.replyChannel());
        assertEquals(builtIn, Channel.values().subList(0, builtIn.size()));
    }

    @Test
    void aChannelDefinedOutsideTheCore_isFoundByFromWireAndValues() {
        Channel webchat = WebchatModule.WEBCHAT;

        assertEquals("test-webchat", webchat.wireName());
        assertSame(webchat, Channel.fromWire("test-webchat"));
        assertSame(webchat, Channel.fromStore("test-webchat"));
        assertTrue(Channel.values().contains(webchat), Channel.values().toString());
        assertSame(webchat, webchat.replyChannel());
        // Its webhook module and its send module may each define it: one channel.
        assertSame(webchat, WebchatSendModule.WEBCHAT);
        assertEquals(Channel.fromWire("test-webchat"), webchat);
        assertEquals(webchat.hashCode(), Channel.fromWire("test-webchat").hashCode());
        assertNotEquals(Channel.SMS, webchat);
        assertTrue(Channel.SMS.compareTo(webchat) < 0);
    }

    @Test
    void anUnknownName_isRefused() {
        for (String unknown : new String[] {"fax", "WHATSAPP", "Sms", "test-never-defined", "", null}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> Channel.fromWire(unknown), String.valueOf(unknown));
            assertTrue(refused.getMessage().contains("unknown channel"), refused.getMessage());
        }
        assertFalse(Channel.values().stream().anyMatch(channel -> channel.wireName().equals("fax")));
    }

    @Test
    void aMalformedWireName_isRefusedAtDefine() {
        for (String malformed : new String[] {"Webchat", "web chat", "web_chat", "webchat\n", "-chat", "9chat", "",
                "w".repeat(33), "wébchat", null}) {
            assertThrows(IllegalArgumentException.class, () -> Channel.define(malformed), String.valueOf(malformed));
            assertThrows(IllegalArgumentException.class, () -> Channel.fromStore(malformed), String.valueOf(malformed));
        }
        assertEquals("test-a-32-" + "x".repeat(22), Channel.define("test-a-32-" + "x".repeat(22)).wireName());
        // A built-in's name is its constant's: a module cannot define it again.
        IllegalArgumentException builtIn = assertThrows(IllegalArgumentException.class, () -> Channel.define("sms"));
        assertTrue(builtIn.getMessage().contains("built-in"), builtIn.getMessage());
    }

    @Test
    void descriptorsOnTheClassPath_makeAChannelKnownBeforeItsClassIsLoaded(@TempDir Path classes) throws IOException {
        // Without the descriptor on the class path the name is unknown (and the module's class was not loaded).
        assertThrows(IllegalArgumentException.class, () -> Channel.fromWire("test-lazy"));
        assertFalse(Channel.values().stream().anyMatch(channel -> channel.wireName().equals("test-lazy")));

        Path services = classes.resolve("META-INF/services/" + ChannelDescriptor.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, LazyDescriptor.class.getName() + "\n", StandardCharsets.UTF_8);
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader withDescriptor = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
                ChannelTest.class.getClassLoader())) {
            thread.setContextClassLoader(withDescriptor);
            Channel lazy = Channel.fromWire("test-lazy");

            assertSame(LazyModule.LAZY, lazy);
            assertTrue(Channel.values().contains(lazy));
        } finally {
            thread.setContextClassLoader(before);
        }
        // Once defined, it stays known.
        assertSame(LazyModule.LAZY, Channel.fromWire("test-lazy"));
    }

    @Test
    void aWellFormedNameReadFromTheStore_isAChannelEvenWithoutItsModule() {
        Channel stored = Channel.fromStore("test-stored-only");

        assertEquals("test-stored-only", stored.wireName());
        assertSame(stored, Channel.fromWire("test-stored-only"));
        assertSame(Channel.WHATSAPP, Channel.fromStore("whatsapp"));
        // The module, loaded later, defines the same channel.
        assertSame(stored, Channel.define("test-stored-only"));
    }

    @Test
    void jsonCarriesTheWireName() throws IOException {
        assertEquals("\"whatsapp\"", Json.MAPPER.writeValueAsString(Channel.WHATSAPP));
        assertEquals("[\"voice\",\"test-webchat\"]", Json.MAPPER.writeValueAsString(List.of(Channel.VOICE,
                WebchatModule.WEBCHAT)));
        assertSame(Channel.SMS, Json.MAPPER.readValue("\"sms\"", Channel.class));
    }
}
