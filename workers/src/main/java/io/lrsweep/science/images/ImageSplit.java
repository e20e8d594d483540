package io.lrsweep.science.images;

/** A data set's training and test images. */
public record ImageSplit(ImageSet train, ImageSet test) {
}
