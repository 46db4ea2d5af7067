export {
  RETAIL_FORMATS,
  checkedGtin,
  decodeLuminance,
  type DecodeOptions,
  type DecodeResult,
  type RetailFormat,
} from "./decode";
export { stretchContrast, toLuminance, upscaleDouble, type LuminanceImage, type PixelImage } from "./image";
