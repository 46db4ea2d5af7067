export { decodeImageBytes, readImageFile } from "./read-image";
export { runDecodeCli } from "./cli";
