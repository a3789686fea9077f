package org.convnetplayground.catalog.download;

import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.InvalidInputException;

/**
 * A download URL (or a redirect on the way) whose host is, or resolves to, an address the catalog does not fetch from:
 * this machine or the networks around it, unless an operator allows them ({@link AddressPolicy}).
 */
public class AddressNotAllowedException extends InvalidInputException {

    /**
     * @param url the URL refused
     * @param why which address, and why it is not allowed
     */
    public AddressNotAllowedException(String url, String why) {
        super("Address not allowed", "cannot fetch " + url + ": " + why + "; the catalog does not fetch from this "
                + "machine or the networks around it unless an operator allows the host ("
                + AddressPolicy.HOSTS_KEY + ") or its network (" + AddressPolicy.NETWORKS_KEY + ")",
                DomainException.Details.of("url", url));
    }
}
