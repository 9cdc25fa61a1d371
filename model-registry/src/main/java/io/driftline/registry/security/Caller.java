package io.driftline.registry.security;

import io.driftline.registry.model.RegistryException;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling: an API token holder or a device.
 *
 * @param name the token's configured name, or {@code device:<id>}; what the audit log records
 * @param role the role
 * @param deviceId the device, for device tokens
 */
public record Caller(String name, Role role, @Nullable String deviceId) {

  /** Returns a device caller. */
  public static Caller device(String deviceId) {
    return new Caller("device:" + deviceId, Role.DEVICE, deviceId);
  }

  /** Returns whether this caller is a device. */
  public boolean isDevice() {
    return role == Role.DEVICE;
  }

  /** Fails with a 403 unless the caller is not a device or is this device. */
  public void requireDeviceOrStaff(String device) {
    if (isDevice() && !device.equals(deviceId)) {
      throw RegistryException.forbidden("a device token may only be used for its own device");
    }
  }
}
