package org.convnetplayground.catalog.store;

import org.convnetplayground.errors.UnavailableException;

/** The catalog's own store cannot be written now (missing, read-only, full): imports and deletions wait for it. */
public class StoreNotWritableException extends UnavailableException {

    public StoreNotWritableException(String detail, Throwable cause) {
        super("Store not writable", detail, null, cause);
    }
}
