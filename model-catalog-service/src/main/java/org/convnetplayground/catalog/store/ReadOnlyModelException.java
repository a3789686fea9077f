package org.convnetplayground.catalog.store;

import org.convnetplayground.errors.ConflictException;

/** A change asked of a shared model, which the catalog only reads. */
public class ReadOnlyModelException extends ConflictException {

    public ReadOnlyModelException(String detail) {
        super("Conflict", detail);
    }
}
