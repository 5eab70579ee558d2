import { powerOfTwoChoicesStrategy } from './power-of-two-choices-strategy.js';

export { powerOfTwoChoicesStrategy };
export default powerOfTwoChoicesStrategy;
