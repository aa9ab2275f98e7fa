"""ParkBeat 园区警务平台."""
