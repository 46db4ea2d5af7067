export { default as DeviceEnrollment, type DeviceEnrollmentProps } from "./device-enrollment.svelte";
