/**
 * Auto-layout: the report package's (the SVG renderer lays out with the same code). `planLayout`
 * keeps a layout only when it is measurably better and says why it did or did not.
 */
export { autoLayout, planLayout } from '@bulwark/report';
