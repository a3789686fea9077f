package org.convnetplayground.inference.image;

import org.convnetplayground.errors.TooLargeException;

/** An image over the configured limits, in bytes or in pixels; the message names the size and the limit. */
public class ImageTooLargeException extends TooLargeException {

    /**
     * @param parameter the request field that held the image, or null
     */
    public ImageTooLargeException(String detail, String parameter) {
        super("Image too large", detail, Details.of(parameter, null), null);
    }
}
