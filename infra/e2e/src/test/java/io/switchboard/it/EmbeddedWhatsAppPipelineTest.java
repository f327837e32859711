package io.switchboard.it;

import io.switchboard.local.LocalCloud;

/** The pipeline contract on the embedded cloud (DynamoDB Local + ElasticMQ in this JVM): runs everywhere. */
class EmbeddedWhatsAppPipelineTest extends WhatsAppPipelineContract {

    @Override
    protected PipelineCloud startCloud() {
        return PipelineCloud.start(new LocalCloud.Options());
    }
}
