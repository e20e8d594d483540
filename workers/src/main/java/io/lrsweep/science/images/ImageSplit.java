package io.lrsweep.science.images;

/** A data set's training and test images, as read (one byte per pixel). */
public record ImageSplit(ImageBytes train, ImageBytes test) {
}
