// The pipeline's facts other projects build on: how an image of a deployable is tagged, labelled and
// built (the image tests build exactly what the container target would).
export { createdAt, imageLabels, localBuildArguments, sourceUrl, type ContainerBuild } from './container.ts';
export { serviceImage } from './environments.ts';
export { commitRelease, imageTags, type CommitRelease } from './image-tags.ts';
