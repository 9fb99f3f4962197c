import { AppError } from '../http/errors.js';

/**
 * One answer for unknown, tampered, expired, revoked and used-up links alike, so a visitor
 * (or someone guessing tokens) learns nothing about which links exist.
 */
export const shareNotFound = () =>
  new AppError(404, 'SHARE_NOT_FOUND', 'This share link does not exist, has expired, was revoked or has reached its view limit: ask its owner for a new link');

export const sharePasswordRequired = () =>
  new AppError(401, 'SHARE_PASSWORD_REQUIRED', 'This share link is protected by a password: send it in the x-share-password header (or enter it on the page)');

export const sharePasswordWrong = () => new AppError(401, 'SHARE_PASSWORD_INVALID', 'Wrong password for this share link: check it and try again');
