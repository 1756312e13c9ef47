// The refusals of the dehydrated-device routes (MSC3814), mapped in the one error table.

export interface DehydratedDeviceError {
  readonly _tag: "DehydratedDeviceError";
  /**
   * bad_json: a body field missing or of the wrong type; invalid_param: a bad device ID, display
   * name, key or paging token; device_in_use: the ID names one of the user's other devices;
   * not_found: the user has no dehydrated device; forbidden: /events for a device that is not the
   * user's dehydrated device (MSC3814: 403 M_FORBIDDEN).
   */
  readonly reason: "bad_json" | "invalid_param" | "device_in_use" | "not_found" | "forbidden";
  readonly message: string;
}

export const dehydratedDeviceError = (reason: DehydratedDeviceError["reason"], message: string): DehydratedDeviceError => ({
  _tag: "DehydratedDeviceError",
  reason,
  message,
});
