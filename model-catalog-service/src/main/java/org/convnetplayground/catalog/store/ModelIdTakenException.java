package org.convnetplayground.catalog.store;

import org.convnetplayground.errors.ConflictException;

/** A new model's id is already used: by a served model, an import in progress or a folder of the store. */
public class ModelIdTakenException extends ConflictException {

    public ModelIdTakenException(String detail) {
        super("Conflict", detail);
    }
}
