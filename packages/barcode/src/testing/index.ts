export {
  addNoise,
  blankImage,
  blur,
  glare,
  lowContrast,
  placeOnCanvas,
  rotate,
  wrapAroundCylinder,
  type RgbaImage,
} from "./degrade";
export { renderBarcode, type RenderSpec } from "./render";
