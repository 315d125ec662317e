//! placeholder: the engine helper replaces this
