package io.switchboard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.channel.ChannelDescriptor;
import io.switchboard.core.channel.FreshSample;
import io.switchboard.core.channel.SampleRequest;
import io.switchboard.local.console.SampleWebhooks;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The local cloud learns its channels from their descriptors: it names none itself. */
class ChannelDescriptorsTest {

    @Test
    void givenTheChannelModulesAndATestChannel_whenDiscovered_thenEachIsFoundByName() {
        assertEquals(List.of("email", "instagram", "messenger", "pigeon", "twilio", "whatsapp"),
                ChannelDescriptor.all().stream().map(ChannelDescriptor::name).toList());
    }

    @Test
    void givenTheDescriptors_whenTheLocalCloudStarts_thenEverySecretHasItsDevelopmentValue() {
        for (ChannelDescriptor channel : ChannelDescriptor.all()) {
            channel.localSecrets().forEach((name, value) -> assertEquals(value, Main.DEVELOPMENT_DEFAULTS.get(name), name));
        }
        assertEquals("local-pigeon-signing-key", Main.DEVELOPMENT_DEFAULTS.get("PIGEON_SIGNING_KEY"));
        assertEquals("local-app-secret", Main.DEVELOPMENT_DEFAULTS.get("WHATSAPP_APP_SECRET"));
        assertEquals("local-api-token", Main.DEVELOPMENT_DEFAULTS.get("SWITCHBOARD_API_TOKEN"));
    }

    @Test
    void givenTheDescriptors_whenTheirStandInsAreDiscovered_thenEachProviderHasOneInDescriptorOrder() {
        assertEquals(List.of("ses", "messenger", "pigeon", "twilio", "whatsapp"),
                io.switchboard.local.standin.ProviderStandIns.discovered().stream()
                        .map(io.switchboard.core.channel.ProviderStandIn::name).toList());
    }

    @Test
    void givenAMetaSample_whenSigned_thenTheSignatureAndTheHandshakeTokenAreThisDeployments() {
        ChannelDescriptor whatsApp = ChannelDescriptor.all().stream().filter(c -> c.name().equals("whatsapp")).findFirst().orElseThrow();
        Map<String, String> settings = Map.of("WHATSAPP_APP_SECRET", "s3cret", "WHATSAPP_VERIFY_TOKEN", "t o");
        SampleRequest handshake = whatsApp.signSample(new SampleRequest("GET",
                "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=old&hub.challenge=1", Map.of(), new byte[0]),
                "http://localhost:3000", settings::get);
        assertEquals("hub.mode=subscribe&hub.verify_token=t+o&hub.challenge=1", handshake.query());
        byte[] body = "{\"object\":\"whatsapp_business_account\"}".getBytes(StandardCharsets.UTF_8);
        SampleRequest delivery = whatsApp.signSample(new SampleRequest("POST", "/webhooks/whatsapp",
                Map.of("x-hub-signature-256", "sha256=stale"), body), "http://localhost:3000", settings::get);
        assertEquals(io.switchboard.meta.HubSignature.sign(body, "s3cret"), delivery.headers().get("x-hub-signature-256"));
        assertTrue(delivery.headers().get("x-hub-signature-256").startsWith("sha256="));
    }

    @Test
    void givenEveryDeliverySample_whenMadeFresh_thenTheIdsItReportsCarryTheMarker_oneCallStaysOneCall() {
        String marker = "smoke0123456789";
        Set<String> callIds = new HashSet<>();
        for (SampleWebhooks.Sample sample : SampleWebhooks.list(TestTemplates.project().toAbsolutePath().getParent()
                .resolve("events"))) {
            ChannelDescriptor channel = SampleWebhooks.descriptor(sample.channel()).orElseThrow();
            SampleRequest stored = SampleWebhooks.request(sample);
            FreshSample fresh = channel.freshSample(stored, marker);
            if (sample.method().equals("GET")) {
                assertEquals(List.of(), fresh.ids(), sample.name() + ": a handshake reports nothing");
                continue;
            }
            assertTrue(!fresh.ids().isEmpty(), sample.name() + " renames the ids it reports");
            String body = new String(fresh.request().body(), StandardCharsets.UTF_8);
            for (String id : fresh.ids()) {
                assertTrue(id.contains(marker), id);
                String before = id.replace(marker, "");
                assertTrue(new String(stored.body(), StandardCharsets.UTF_8).contains(before)
                        || new String(stored.body(), StandardCharsets.UTF_8).contains(java.net.URLEncoder.encode(before,
                        StandardCharsets.UTF_8)), sample.name() + ": " + before + " is the sample's own id");
                assertTrue(body.contains(id) || body.contains(java.net.URLEncoder.encode(id, StandardCharsets.UTF_8)),
                        sample.name() + ": the body carries " + id);
            }
            if (sample.name().startsWith("twilio-voice-")) {
                fresh.ids().stream().filter(id -> id.startsWith("CA")).forEach(callIds::add);
            }
            assertEquals(stored.headers(), fresh.request().headers(), sample.name() + ": signing comes after");
        }
        // The voice samples are one call: its start, recording, transcription and end name the same renamed CallSid.
        assertEquals(1, callIds.size(), callIds.toString());
    }
}
