package io.switchboard.core.webhook;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.switchboard.core.ingest.InteractionRecorder;

/**
 * Told the outcome of every webhook once it is answered. There is none on AWS; the local cloud's console
 * registers one (as an extra singleton of the function's context) to show each webhook's verdict beside its request.
 */
public interface WebhookObserver {

    /**
     * @param channel the channel's name
     * @param status  the answer's status code
     * @param verdict what the pipeline's log line says happened ("stored ...", "refused: <reason>", "answered"...)
     * @param summary what was recorded, or null when nothing was (refused, answered, failed)
     */
    void answered(String channel, APIGatewayV2HTTPEvent event, int status, String verdict, InteractionRecorder.Summary summary);
}
