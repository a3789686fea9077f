package org.convnetplayground.inference.image;

import org.convnetplayground.errors.InvalidInputException;

/** The bytes are not an image this service can decode: empty, another format, corrupt or truncated. */
public class UnreadableImageException extends InvalidInputException {

    public UnreadableImageException(String detail) {
        super("Unreadable image", detail, Details.of("image", null));
    }
}
