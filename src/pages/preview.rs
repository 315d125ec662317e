//! `/preview` and `/preview/<name>`: the preview's pages, fetched the first time they are shown,
//! as the shopper's later pages are ([`super::on_demand`]). Their routes are apart from those:
//! the preview shows parts of the shopper's pages, the home page's list of sales among them,
//! and the home page asks [`super::on_demand`] for the sale page's code.
use leptos::prelude::*;

use super::on_demand::page_on_demand;
use crate::components::on_demand::on_demand;
use crate::preview::{PreviewGallery, PreviewScreen};
use crate::split::{fetched, ModuleMissing};

page_on_demand!(PreviewGalleryRoute, preview_gallery_page, PreviewGallery);
page_on_demand!(PreviewScreenRoute, preview_screen_page, PreviewScreen);
