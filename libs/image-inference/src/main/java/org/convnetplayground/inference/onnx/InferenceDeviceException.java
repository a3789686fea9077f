package org.convnetplayground.inference.onnx;

/**
 * The configured inference device cannot be used (or is not a device at all); thrown at start-up, so the service
 * stops with a message that names what is missing instead of running somewhere it was not asked to.
 */
public class InferenceDeviceException extends IllegalStateException {

    public InferenceDeviceException(String message) {
        super(message);
    }
}
