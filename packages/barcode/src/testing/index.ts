export {
  addNoise,
  blankImage,
  blur,
  glare,
  lowContrast,
  placeOnCanvas,
  rotate,
  type RgbaImage,
} from "./degrade";
export { renderBarcode, type RenderSpec } from "./render";
