package org.convnetplayground.features.image;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.convnetplayground.features.config.FeatureConfig;
import org.convnetplayground.inference.image.ImageCodec;

/** The feature-service's {@link ImageCodec} (libs/image-inference), with the configured image limits. */
@ApplicationScoped
public class ImageCodecs {

    @Produces
    @Singleton
    ImageCodec codec(FeatureConfig config) {
        return new ImageCodec(config.images().maxBytes(), config.images().maxPixels());
    }
}
