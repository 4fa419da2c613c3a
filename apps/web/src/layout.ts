/** Auto-layout: the report package's (the SVG renderer lays out with the same code). */
export { autoLayout } from '@bulwark/report';
